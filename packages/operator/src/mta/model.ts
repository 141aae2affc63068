import type { ClearingBody, Rate } from '@tallystick/protocol';

/** How often the worker looks for sessions whose timer ran out and clearings still to deliver. */
export const MTA_WORKER_INTERVAL_MS = 500;
/** Most expired sessions one worker pass clears (each in its own transaction). */
export const CLEARINGS_PER_TICK_MAX = 100;
/** Most clearing deliveries one worker pass attempts, so one dead AM cannot stall the loop. */
export const DELIVERIES_PER_TICK_MAX = 20;
/** Redelivery backoff: doubles from the base per failed attempt, capped. */
export const DELIVERY_BACKOFF_MS_BASE = 500;
export const DELIVERY_BACKOFF_MS_MAX = 60_000;
/** One delivery attempt to a peer AM; the synchronous path waits for at most this. */
export const DELIVERY_TIMEOUT_MS = 3_000;
/** The merchant answers the information message within this, or the initiation fails (no retries). */
export const MERCHANT_CALL_TIMEOUT_MS = 3_000;
/** A merchant's answer larger than this is not an acknowledgement. */
export const MERCHANT_RESPONSE_BYTES_MAX = 64 * 1024;

export type MtaStatus = 'open' | 'cleared';
export type RecordSide = 'customer' | 'merchant';
/** What a record submission did: stored and waiting for the other side, or completed the clearing. */
export type RecordStatus = 'recorded' | 'cleared';

/** A trading session as the MTA keeps it: the customer appears as a pseudonym and a session key only. */
export interface MtaTransaction {
  readonly id: string;
  /** The customer's AM: it issued the transaction id and receives the clearing. */
  readonly amOperatorId: string;
  readonly merchantId: string;
  readonly status: MtaStatus;
  readonly pseudonym: string;
  readonly sessionKey: Readonly<Record<string, string>>;
  readonly offerId: string;
  readonly depositCustomerMinor: bigint;
  readonly customerCurrency: string;
  readonly depositMerchantMinor: bigint;
  readonly merchantCurrency: string;
  readonly rate: Rate;
  readonly expiresAt: Date;
  readonly amendedInitiationJws: string;
  readonly merchantAckJws: string;
  readonly mtaAckJws: string;
  readonly createdAt: Date;
}

/** One side's transaction record as handed in (already verified and checked against its voucher). */
export interface MtaRecord {
  readonly side: RecordSide;
  readonly recordJws: string;
  readonly purchaseCount: number;
  readonly totalMinor: bigint;
  readonly purchaseListHash: string;
  readonly lastSeq: number;
  /** The voucher the record ends with, as signed by the session key; null when there is none. */
  readonly lastVoucherJws: string | null;
  readonly receivedAt: Date;
}

export interface MtaClearing {
  readonly body: ClearingBody;
  readonly clearedAt: Date;
}

export interface MtaTransactionView {
  readonly transaction: MtaTransaction;
  readonly records: readonly MtaRecord[];
  readonly clearing: MtaClearing | undefined;
}

/**
 * The MTA's ledger accounts, created on demand, none limited: the interop
 * account is this operator's position toward a peer AM (what that AM owes it),
 * the liquidity accounts its FX position per currency. With the AM and MTA on
 * one node, `interop.<self>` is the same account on both sides and nets to zero.
 */
export function interopAccountId(operatorId: string, peerId: string, currency: string): string {
  return `op.${operatorId}.interop.${peerId}.${currency}`;
}

export function liquidityAccountId(operatorId: string, currency: string): string {
  return `op.${operatorId}.liquidity.${currency}`;
}

/** Acquiring fees this operator kept, per currency (fees/model.ts). */
export function feesAccountId(operatorId: string, currency: string): string {
  return `op.${operatorId}.fees.${currency}`;
}

/** Deterministic ledger ids: booking a clearing twice finds the first booking (idempotent), never a second. */
export const MtaLedgerIds = {
  /** The customer's money arriving from the AM, into this operator's liquidity in the customer's currency. */
  acquire: (transactionId: string) => `clr.${transactionId}.acquire`,
  /** The merchant's credit, out of this operator's liquidity in the merchant's currency. */
  pay: (transactionId: string) => `clr.${transactionId}.pay`,
  /** The acquiring fee, out of the same liquidity into the operator's fees account. */
  fee: (transactionId: string) => `clr.${transactionId}.fee`,
} as const;
