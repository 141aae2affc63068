import { isTransactionId } from '@tallystick/protocol';
import { MerchantError } from '../errors.ts';
import type { HttpClient } from './client.ts';

/** The MTA's view of a transaction (`GET /v1/mta/transactions/:id`), incl. clearing figures once cleared. */
export interface MtaTransactionView {
  readonly transactionId: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

/** The merchant-facing MTA calls of docs/trading-sessions.md, typed. */
export interface MtaApi {
  sendMerchantRecord(transactionId: string, record: string): Promise<{ readonly status: string }>;
  getTransaction(transactionId: string): Promise<MtaTransactionView>;
}

export function createMtaApi(http: HttpClient): MtaApi {
  return {
    async sendMerchantRecord(transactionId, record) {
      const body = await http.call('POST', `/v1/mta/transactions/${transactionId}/merchant-record`, {
        // The same signed record re-sent is the same request: safe to retry.
        idempotent: true,
        authenticated: true,
        body: { record },
        idempotencyKey: record.slice(record.lastIndexOf('.') + 1).slice(0, 86),
      });
      return { status: typeof body.status === 'string' ? body.status : 'accepted' };
    },
    async getTransaction(transactionId) {
      if (!isTransactionId(transactionId))
        throw MerchantError.of('session_unknown', `invalid id ${transactionId}`);
      const body = await http.call('GET', `/v1/mta/transactions/${transactionId}`, {
        idempotent: true,
        authenticated: true,
      });
      if (body.transactionId !== transactionId || typeof body.status !== 'string') {
        throw MerchantError.of('bad_response', 'transaction view lacks transactionId or status');
      }
      return body as MtaTransactionView;
    },
  };
}
