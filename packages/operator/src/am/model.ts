import type { Rate } from '@tallystick/protocol';

/**
 * A hold outlives its session by this much before the ledger's sweeper
 * voids it: long enough for a clearing held up by an outage between the
 * operators to still find the money, short enough that a clearing lost for
 * good can never keep the customer's money reserved forever.
 */
export const HOLD_GRACE_SECONDS = 24 * 3600;
/** The AM waits this long for the MTA's ack (the MTA waits less for the merchant). */
export const MTA_CALL_TIMEOUT_MS = 5_000;

export type AmStatus = 'initiating' | 'open' | 'failed' | 'cleared';

export interface AmSession {
  /** `<amId>.<seq1>` */
  readonly id: string;
  readonly customerId: string;
  readonly createdAt: Date;
}

/** What the MTA acknowledged (step 5) and the AM told the wallet (step 6). */
export interface AmSessionTerms {
  readonly rate: Rate;
  readonly depositMerchantMinor: bigint;
  readonly merchantCurrency: string;
  readonly mtaAckJws: string;
  readonly sessionReadyJws: string;
}

/** One transaction (one deposit toward one merchant). The customer's identity stays here. */
export interface AmTransaction {
  /** `<sessionId>.<seq2>` */
  readonly id: string;
  readonly sessionId: string;
  readonly customerId: string;
  readonly status: AmStatus;
  readonly initiationJti: string;
  readonly initiationJws: string;
  readonly merchantId: string;
  readonly mtaOperatorId: string;
  readonly pseudonym: string;
  readonly sessionKey: Readonly<Record<string, string>>;
  readonly depositMinor: bigint;
  readonly currency: string;
  readonly expiresAt: Date;
  /** The ledger hold on the customer's account for the deposit. */
  readonly holdId: string;
  /** Set once the MTA acknowledged. */
  readonly terms: AmSessionTerms | null;
  /** Why the initiation failed (its original answer), when it did. */
  readonly errorCode: string | null;
  readonly createdAt: Date;
}

/** A clearing as applied: the figures the MTA signed and the ledger transfer that resolved the hold. */
export interface AmClearing {
  readonly outcome: string;
  readonly reason: string;
  readonly voucherSeq: number;
  readonly clearedCustomerMinor: bigint;
  readonly releasedCustomerMinor: bigint;
  readonly clearedMerchantMinor: bigint;
  readonly feeMinor: bigint;
  /** The post, void or late charge; null when the hold was already gone and nothing was owed. */
  readonly ledgerTransferId: string | null;
  readonly clearingJws: string;
  readonly clearedAt: Date;
}

/** Deterministic ledger ids, so nothing is held, posted or voided twice for one transaction. */
export const AmLedgerIds = {
  hold: (transactionId: string) => `ini.${transactionId}.hold`,
  /** The MTA refused or failed: the hold goes back at once. */
  abandon: (transactionId: string) => `ini.${transactionId}.void`,
  post: (transactionId: string) => `clr.${transactionId}.post`,
  void: (transactionId: string) => `clr.${transactionId}.void`,
  /** The hold was gone (expired, or voided after a failed initiation the MTA did register): charged directly. */
  late: (transactionId: string) => `clr.${transactionId}.late`,
} as const;
