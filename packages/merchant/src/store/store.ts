import type {
  AcceptedVoucher,
  AcceptOutcome,
  MerchantSession,
  Termination,
  VoucherCursor,
} from '../session/model.ts';

/**
 * Where the merchant keeps its trading sessions. Implementations must make
 * `acceptVoucher` a compare-and-swap: of two vouchers checked against the
 * same state, exactly one is stored, so the merchant never accepts two
 * vouchers for one seq (DESIGN §5). `createMemoryMerchantStore` and
 * `createPostgresMerchantStore` pass the same test suite.
 */
export interface MerchantStore {
  /** Inserts the session unless its transaction id is taken; returns what is stored either way. */
  insertSession(
    session: MerchantSession,
  ): Promise<{ readonly created: boolean; readonly session: MerchantSession }>;
  getSession(transactionId: string): Promise<MerchantSession | undefined>;
  /**
   * Stores `voucher` as the session's newest state if, and only if, the
   * session is open and still at `expected` (seq and cumulative amount).
   */
  acceptVoucher(
    transactionId: string,
    expected: VoucherCursor,
    voucher: AcceptedVoucher,
  ): Promise<AcceptOutcome>;
  /**
   * Terminates an open session (the first terminate wins) and returns the
   * stored session. With `expectedSeq`, only while the session is still at
   * that seq (so a signed terminate names the merchant's true last seq).
   */
  terminate(
    transactionId: string,
    termination: Termination,
    expectedSeq?: number,
  ): Promise<MerchantSession | undefined>;
  /** Keeps `recordJws` unless a record is stored already; returns the stored one (first write wins). */
  saveRecord(transactionId: string, recordJws: string): Promise<string | undefined>;
  /** Notes the MTA's answer to the stored record. */
  markRecordSubmitted(transactionId: string, status: string, atMs: number): Promise<void>;
  /** Every accepted voucher of a transaction, by seq: the merchant's evidence. */
  listVouchers(transactionId: string): Promise<AcceptedVoucher[]>;
  /**
   * `merchantId`'s sessions whose record the MTA has not accepted yet (open,
   * or terminated with no `record.status`) and whose `expiresAtMs` is in
   * `[fromMs, beforeMs)`, soonest expiry first (then by transaction id), at
   * most `limit`: what the expiry guard must close, or hand in again, before
   * the MTA's timer clears without the merchant's record.
   */
  listAwaitingRecord(
    merchantId: string,
    fromMs: number,
    beforeMs: number,
    limit: number,
  ): Promise<MerchantSession[]>;
}
