import type { LinkResult } from '../federation/link.ts';
import type { RecordStatus } from './model.ts';

/** The MTA's routes an AM calls (docs/trading-sessions.md). */
export const MTA_TRANSACTIONS_PATH = '/v1/mta/transactions';

export function mtaCustomerRecordPath(transactionId: string): string {
  return `${MTA_TRANSACTIONS_PATH}/${encodeURIComponent(transactionId)}/customer-record`;
}

/** What an MTA offers AMs: the same calls in-process (this node) and over HTTP (a peer). */
export interface MtaInbound {
  /** Step 2 -> 5: the amended initiation in, the MTA's acknowledgement out (compact JWSs). */
  registerTransaction(amendedInitiation: string): Promise<LinkResult<{ readonly mtaAck: string }>>;
  /** The customer's record, relayed unchanged by its AM. */
  submitCustomerRecord(
    transactionId: string,
    record: string,
  ): Promise<LinkResult<{ readonly status: RecordStatus }>>;
}
