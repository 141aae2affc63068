/*
 * The wallet's errors, stripe-node style: one base class with readonly
 * `code`, `statusCode`, `requestId` and `cause`, and a subclass per kind of
 * failure so callers can `instanceof` the ones they handle. Codes the wallet
 * makes itself are listed with their messages (exhaustive); an operator's
 * refusal keeps the operator's own `code` from its error envelope.
 */

export const WALLET_ERROR_CODES = [
  'network_error',
  'timeout',
  'bad_response',
  'operator_document_invalid',
  'operator_key_unknown',
  'session_ready_invalid',
  'session_ready_mismatch',
  'currency_table_invalid',
  'currency_not_quoted',
  'item_invalid',
  'item_exceeds_deposit',
  'session_closed',
  'payment_not_retractable',
  'hash_chain_not_committed',
  'config_invalid',
  'offer_invalid',
  'options_invalid',
  'argument_invalid',
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export const WALLET_ERROR_MESSAGES: { readonly [k in WalletErrorCode]: string } = {
  network_error: 'the operator could not be reached',
  timeout: 'the operator did not answer in time',
  bad_response: 'the operator answered with something that is not the expected JSON',
  operator_document_invalid: 'the operator document (/.well-known/tally/operator.json) is not usable',
  operator_key_unknown: 'the answer is signed with a key the operator does not publish',
  session_ready_invalid: 'the session-ready message does not verify',
  session_ready_mismatch: 'the session-ready message does not match the initiation',
  currency_table_invalid:
    "the operator's currency table does not verify or is not for the customer's currency",
  currency_not_quoted: "the operator's currency table quotes no rate for the offer's currency",
  item_invalid: 'the item has a field out of bounds (sku, description, or a non-negative bigint priceMinor)',
  item_exceeds_deposit: 'the item costs more than a whole deposit: open a session with a larger deposit',
  session_closed: 'the trading session is closed',
  payment_not_retractable: 'only the newest payment of the open transaction can be retracted',
  hash_chain_not_committed: 'the session was opened without hashChain options (or with another unit price)',
  config_invalid: 'the wallet configuration is invalid',
  offer_invalid: 'the offer is invalid',
  options_invalid: 'the session options are invalid',
  argument_invalid: 'an argument is invalid',
};

export interface TallyWalletErrorInit {
  readonly statusCode?: number | undefined;
  readonly requestId?: string | undefined;
  readonly cause?: unknown;
}

/** Base of every error the wallet throws. */
export class TallyWalletError extends Error {
  override readonly name: string = 'TallyWalletError';
  /** Machine-readable: a `WalletErrorCode`, or the operator's code for a `TallyApiError`. */
  readonly code: string;
  /** HTTP status of the operator's answer, when there was one. */
  readonly statusCode: number | undefined;
  /** The operator's request id (error envelope), to quote to its support. */
  readonly requestId: string | undefined;
  override readonly cause: unknown;

  constructor(code: string, message: string, init: TallyWalletErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.statusCode = init.statusCode;
    this.requestId = init.requestId;
    this.cause = init.cause;
  }
}

function localMessage(code: WalletErrorCode, detail: string | undefined): string {
  return detail ? `${WALLET_ERROR_MESSAGES[code]}: ${detail}` : WALLET_ERROR_MESSAGES[code];
}

/** The operator refused the call: its error envelope `{ error: { code, message }, requestId }`. */
export class TallyApiError extends TallyWalletError {
  override readonly name: string = 'TallyApiError';
}
/** 401 or 403: the API key is wrong, or not allowed to do this. */
export class TallyAuthenticationError extends TallyApiError {
  override readonly name: string = 'TallyAuthenticationError';
}
/** Any other 4xx: the request was wrong (limits exceeded, unknown merchant, …). Not retried. */
export class TallyInvalidRequestError extends TallyApiError {
  override readonly name: string = 'TallyInvalidRequestError';
}
/** 5xx: the operator or one of its peers failed. Idempotent calls were retried before this is thrown. */
export class TallyOperatorError extends TallyApiError {
  override readonly name: string = 'TallyOperatorError';
}

/** No answer at all: the network failed or the call timed out (after the retries for idempotent calls). */
export class TallyConnectionError extends TallyWalletError {
  override readonly name: string = 'TallyConnectionError';
  declare readonly code: 'network_error' | 'timeout';
  constructor(code: 'network_error' | 'timeout', detail?: string, init: TallyWalletErrorInit = {}) {
    super(code, localMessage(code, detail), init);
  }
}

export type ResponseErrorCode = Extract<
  WalletErrorCode,
  | 'bad_response'
  | 'operator_document_invalid'
  | 'operator_key_unknown'
  | 'session_ready_invalid'
  | 'session_ready_mismatch'
  | 'currency_table_invalid'
  | 'currency_not_quoted'
>;
/** The operator answered, but the answer is unusable or its signature does not hold. */
export class TallyResponseError extends TallyWalletError {
  override readonly name: string = 'TallyResponseError';
  declare readonly code: ResponseErrorCode;
  constructor(code: ResponseErrorCode, detail?: string, init: TallyWalletErrorInit = {}) {
    super(code, localMessage(code, detail), init);
  }
}

export type SessionErrorCode = Extract<
  WalletErrorCode,
  | 'item_invalid'
  | 'item_exceeds_deposit'
  | 'session_closed'
  | 'payment_not_retractable'
  | 'hash_chain_not_committed'
>;
/** A payment the session cannot make; nothing was signed. */
export class TallySessionError extends TallyWalletError {
  override readonly name: string = 'TallySessionError';
  declare readonly code: SessionErrorCode;
  constructor(code: SessionErrorCode, detail?: string) {
    super(code, localMessage(code, detail));
  }
}

export type ConfigErrorCode = Extract<
  WalletErrorCode,
  'config_invalid' | 'offer_invalid' | 'options_invalid' | 'argument_invalid'
>;
/** The caller passed an invalid configuration, offer, option or argument; nothing was sent. */
export class TallyConfigError extends TallyWalletError {
  override readonly name: string = 'TallyConfigError';
  declare readonly code: ConfigErrorCode;
  constructor(code: ConfigErrorCode, detail: string) {
    super(code, localMessage(code, detail));
  }
}

/** The error for an operator's error answer, by HTTP status. */
export function apiErrorOf(status: number, code: string, message: string, requestId?: string): TallyApiError {
  const init = { statusCode: status, requestId };
  if (status === 401 || status === 403) return new TallyAuthenticationError(code, message, init);
  if (status >= 500) return new TallyOperatorError(code, message, init);
  if (status >= 400) return new TallyInvalidRequestError(code, message, init);
  return new TallyApiError(code, message, init);
}
