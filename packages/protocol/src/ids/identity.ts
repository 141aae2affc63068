import type { IdError } from './errors.ts';

/*
 * The seed's illustrative pseudo code (DESIGN §2):
 *   SessionIdentity     = AccountManagerIdentity.SequenceNumber1   e.g. `op-a.17`
 *   TransactionIdentity = SessionIdentity.SequenceNumber2          e.g. `op-a.17.3`
 * Operator ids have no dots, so splitting on '.' is unambiguous.
 */

const OPERATOR = '[a-z0-9][a-z0-9-]{1,31}';
/** Positive decimal, no leading zeros. The 16-digit bound is rough; parsing enforces `SEQUENCE_MAX`. */
const SEQUENCE = '[1-9][0-9]{0,15}';

export const OPERATOR_ID_PATTERN = `^${OPERATOR}$`;
export const SEQUENCE_PATTERN = `^${SEQUENCE}$`;
export const SESSION_ID_PATTERN = `^${OPERATOR}\\.${SEQUENCE}$`;
export const TRANSACTION_ID_PATTERN = `^${OPERATOR}\\.${SEQUENCE}\\.${SEQUENCE}$`;
/** Merchant ids are chosen by the merchant's operator; this only bounds them. */
export const MERCHANT_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** Sequence numbers stay exact as a JS number and in JSON. */
export const SEQUENCE_MAX = Number.MAX_SAFE_INTEGER;

const operatorRegex = new RegExp(OPERATOR_ID_PATTERN);
const merchantRegex = new RegExp(MERCHANT_ID_PATTERN);
const sessionRegex = new RegExp(SESSION_ID_PATTERN);
const transactionRegex = new RegExp(TRANSACTION_ID_PATTERN);

export interface SessionIdParts {
  readonly operatorId: string;
  /** SequenceNumber1: the AM's counter of log-ons. */
  readonly sessionSeq: number;
}

export interface TransactionIdParts extends SessionIdParts {
  readonly sessionId: string;
  /** SequenceNumber2: the session's counter of transactions (deposits). */
  readonly transactionSeq: number;
}

export function isOperatorId(value: unknown): value is string {
  return typeof value === 'string' && operatorRegex.test(value);
}

export function isMerchantId(value: unknown): value is string {
  return typeof value === 'string' && merchantRegex.test(value);
}

export function isSequence(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

export function formatSessionId(operatorId: string, sessionSeq: number): string {
  if (!isOperatorId(operatorId)) throw new Error(`invalid operator id ${JSON.stringify(operatorId)}`);
  if (!isSequence(sessionSeq)) throw new Error(`invalid session sequence ${sessionSeq}`);
  return `${operatorId}.${sessionSeq}`;
}

export function formatTransactionId(sessionId: string, transactionSeq: number): string {
  if (!isSessionId(sessionId)) throw new Error(`invalid session id ${JSON.stringify(sessionId)}`);
  if (!isSequence(transactionSeq)) throw new Error(`invalid transaction sequence ${transactionSeq}`);
  return `${sessionId}.${transactionSeq}`;
}

export function parseSessionId(value: unknown): SessionIdParts | IdError {
  if (typeof value !== 'string' || !sessionRegex.test(value)) return 'id_malformed';
  const [operatorId = '', seq = ''] = value.split('.');
  const sessionSeq = Number(seq);
  return sessionSeq > SEQUENCE_MAX ? 'id_sequence_too_large' : { operatorId, sessionSeq };
}

export function parseTransactionId(value: unknown): TransactionIdParts | IdError {
  if (typeof value !== 'string' || !transactionRegex.test(value)) return 'id_malformed';
  const [operatorId = '', seq1 = '', seq2 = ''] = value.split('.');
  const sessionSeq = Number(seq1);
  const transactionSeq = Number(seq2);
  if (sessionSeq > SEQUENCE_MAX || transactionSeq > SEQUENCE_MAX) return 'id_sequence_too_large';
  return { operatorId, sessionSeq, transactionSeq, sessionId: `${operatorId}.${seq1}` };
}

export function isSessionId(value: unknown): value is string {
  return typeof parseSessionId(value) === 'object';
}

export function isTransactionId(value: unknown): value is string {
  return typeof parseTransactionId(value) === 'object';
}
