import type {
  PublicJwk,
  PurchaseListState,
  Rate,
  TerminateReason,
  TerminatingParty,
  VoucherItem,
} from '@tallystick/protocol';

export type SessionStatus = 'open' | 'terminated';

/** How a session stopped: who, why, the signed terminate, and the sender's last seq. */
export interface Termination {
  readonly by: TerminatingParty;
  readonly reason: TerminateReason;
  /** `tally.terminate`: the customer's (session key) or the merchant's own. */
  readonly jws: string;
  /** The last seq the sender signed (customer) or accepted (merchant). */
  readonly lastSeq: number;
  readonly atMs: number;
}

/** The merchant's record as submitted to the MTA. */
export interface SubmittedRecord {
  readonly jws: string;
  /** The MTA's answer (`status`), once it accepted the record. */
  readonly status?: string;
  readonly submittedAtMs?: number;
}

/** One trading session as the merchant keeps it (from the MTA's information message). */
export interface MerchantSession {
  readonly transactionId: string;
  readonly merchantId: string;
  readonly pseudonym: string;
  readonly sessionKeyJwk: PublicJwk;
  /** In the merchant's currency. */
  readonly depositMinor: bigint;
  readonly currency: string;
  /** Customer currency (base) -> merchant currency (quote). */
  readonly rate: Rate;
  readonly offerId: string;
  readonly expiresAtMs: number;
  /** Seq of the last accepted voucher; 0 before the first. */
  readonly seq: number;
  readonly cumulativeMinor: bigint;
  /** The merchant's purchase list up to the last accepted voucher. */
  readonly purchaseList: PurchaseListState;
  readonly lastVoucher?: string;
  readonly status: SessionStatus;
  readonly termination?: Termination;
  readonly informationJws: string;
  readonly merchantAckJws: string;
  readonly record?: SubmittedRecord;
  readonly createdAtMs: number;
}

/** The compare-and-swap key: what the session looked like when the voucher was checked. */
export interface VoucherCursor {
  readonly seq: number;
  readonly cumulativeMinor: bigint;
}

/** A voucher the merchant accepted: stored with the session's new state in one atomic step. */
export interface AcceptedVoucher {
  readonly seq: number;
  readonly cumulativeMinor: bigint;
  readonly amountMinor: bigint;
  readonly purchaseList: PurchaseListState;
  readonly jws: string;
  readonly item?: VoucherItem;
  readonly acceptedAtMs: number;
}

export type AcceptOutcome = 'accepted' | 'stale' | 'terminated' | 'unknown';
