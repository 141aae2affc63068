import { isSessionId, isTransactionId, parseSessionId } from '@tallystick/protocol';
import { TallyConfigError, TallyResponseError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';

/** The AM's view of a transaction (`GET /v1/am/transactions/:id`); clearing figures appear once cleared. */
export interface AmTransactionView {
  readonly transactionId: string;
  readonly status: 'open' | 'cleared' | (string & {});
  readonly [field: string]: unknown;
}

export interface InitiationAnswer {
  readonly transactionId: string;
  readonly sessionReady: string;
}

/** The customer-facing AM calls of docs/trading-sessions.md, typed. */
export interface AmApi {
  logOn(): Promise<string>;
  initiate(sessionId: string, initiation: string): Promise<InitiationAnswer>;
  sendCustomerRecord(transactionId: string, record: string): Promise<{ readonly status: string }>;
  getTransaction(transactionId: string): Promise<AmTransactionView>;
}

export function createAmApi(http: HttpClient, amOperatorId: string): AmApi {
  const bad = (detail: string) => new TallyResponseError('bad_response', detail);
  return {
    async logOn() {
      // Not retried: a lost answer leaves an unused session at the AM, a retry would open a second one.
      const body = await http.call('POST', '/v1/am/sessions', {
        idempotent: false,
        authenticated: true,
        body: {},
        idempotencyKey: crypto.randomUUID(),
      });
      const parts = parseSessionId(body.sessionId);
      if (typeof parts === 'string' || parts.operatorId !== amOperatorId)
        throw bad('logon answer has no session id of this AM');
      return body.sessionId as string;
    },
    async initiate(sessionId, initiation) {
      if (!isSessionId(sessionId)) throw new Error(`assertion: invalid session id ${sessionId}`);
      const body = await http.call('POST', `/v1/am/sessions/${sessionId}/transactions`, {
        idempotent: true,
        authenticated: true,
        body: { initiation },
        idempotencyKey: jwsSignature(initiation),
      });
      if (!isTransactionId(body.transactionId) || typeof body.sessionReady !== 'string') {
        throw bad('initiation answer lacks transactionId or sessionReady');
      }
      return { transactionId: body.transactionId, sessionReady: body.sessionReady };
    },
    async sendCustomerRecord(transactionId, record) {
      const body = await http.call('POST', `/v1/am/transactions/${transactionId}/customer-record`, {
        idempotent: true,
        authenticated: true,
        body: { record },
        idempotencyKey: jwsSignature(record),
      });
      return { status: typeof body.status === 'string' ? body.status : 'accepted' };
    },
    async getTransaction(transactionId) {
      if (!isTransactionId(transactionId)) {
        throw new TallyConfigError('argument_invalid', `transaction id ${JSON.stringify(transactionId)}`);
      }
      const body = await http.call('GET', `/v1/am/transactions/${transactionId}`, {
        idempotent: true,
        authenticated: true,
      });
      if (body.transactionId !== transactionId || typeof body.status !== 'string') {
        throw bad('transaction view lacks transactionId or status');
      }
      return body as AmTransactionView;
    },
  };
}

/** The same signed JWS is the same request: its signature part serves as the idempotency key. */
function jwsSignature(compact: string): string {
  return compact.slice(compact.lastIndexOf('.') + 1).slice(0, 86);
}
