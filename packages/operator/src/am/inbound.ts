import type { LinkResult } from '../federation/link.ts';

/** Where an MTA delivers a clearing to the customer's AM (docs/trading-sessions.md). */
export const AM_CLEARING_PATH = '/v1/am/clearing';

export interface ClearingReceipt {
  readonly transactionId: string;
  readonly status: 'applied';
}

/** What an AM offers the MTAs it works with: the same calls in-process and over HTTP. */
export interface AmInbound {
  /** `clearing` is the compact JWS signed by the MTA. Idempotent. */
  applyClearing(clearing: string): Promise<LinkResult<ClearingReceipt>>;
}
