/**
 * The ledger's contract (DESIGN §4, after TigerBeetle). Money is bigint minor
 * units; every account has one currency; transfers are immutable and
 * idempotent by their client-chosen id.
 */

/** Largest amount and largest balance: PostgreSQL bigint, 2^63 - 1 minor units. */
export const AMOUNT_MAX_MINOR = 9_223_372_036_854_775_807n;
/** Most transfers (or accounts) one batch call takes; more is `batch_too_large`, nothing applied. */
export const LEDGER_BATCH_MAX = 8_190;
/** Longest hold: a pending transfer times out after at most this. */
export const PENDING_TIMEOUT_SECONDS_MAX = 31 * 24 * 3600;
/** Ids are client-chosen, printable and bounded so they can be keys everywhere. */
export const LEDGER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Transfer `code` is a non-negative PostgreSQL integer. */
export const TRANSFER_CODE_MAX = 2_147_483_647;
/** Longest `userData` (string length), so a journal row stays small. */
export const USER_DATA_LENGTH_MAX = 512;

export const AccountFlags = {
  /** The account can never be overdrawn: debits (pending + posted) <= credits posted. */
  debitsMustNotExceedCredits: 1,
  /** The mirror image, for accounts that may only ever be net debited up to what they were credited. */
  creditsMustNotExceedDebits: 2,
} as const;

/** What an account is for; operator-owned kinds are the operator's own books. */
export type AccountKind =
  | 'customer'
  | 'merchant'
  | 'operator_funding'
  | 'operator_credit_line'
  | 'operator_fees'
  | 'operator_liquidity'
  | 'operator_interop'
  | 'operator_settlement';

export interface AccountInput {
  readonly id: string;
  /** ISO 4217 alphabetic code, the account's only currency. */
  readonly currency: string;
  readonly kind: AccountKind;
  readonly flags: number;
}

export interface Account extends AccountInput {
  readonly debitsPendingMinor: bigint;
  readonly debitsPostedMinor: bigint;
  readonly creditsPendingMinor: bigint;
  readonly creditsPostedMinor: bigint;
  readonly createdAt: Date;
}

interface TransferCommon {
  readonly id: string;
  /** Part of a chain with the next input: all succeed or all fail. */
  readonly linked?: boolean;
  readonly code?: number;
  readonly userData?: string;
}

/** A posted transfer, or a hold (`pending`) that is resolved later by `post`, `void`, or expiry. */
export interface MovementInput extends TransferCommon {
  readonly kind: 'single' | 'pending';
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  /** Only for `pending`: the hold expires (is voided by the sweeper) after this many seconds; 0 = never. */
  readonly timeoutSeconds?: number;
}

/**
 * Resolves a hold. `post` may take part of it (`amountMinor` 1..hold amount,
 * default all); the rest is returned. `void` takes no amount, 0, or exactly
 * the hold amount. After the hold's deadline both fail with
 * `pending_transfer_expired` (and the hold is expired then, if the sweeper
 * has not done it yet).
 */
export interface ResolutionInput extends TransferCommon {
  readonly kind: 'post' | 'void';
  readonly pendingId: string;
  readonly amountMinor?: bigint;
}

export type TransferInput = MovementInput | ResolutionInput;

export type TransferKind = 'single' | 'pending' | 'post' | 'void' | 'expire';
export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired';

/**
 * A transfer as stored: resolutions carry the hold's accounts and the amount
 * actually moved (posted, or for void/expire the amount returned). An expiry
 * is journalled as kind `expire` with id `<holdId>~expire` (`~` is never in a
 * client id).
 */
export interface Transfer {
  readonly id: string;
  readonly kind: TransferKind;
  readonly debitAccountId: string;
  readonly creditAccountId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly linked: boolean;
  readonly pendingId: string | null;
  readonly timeoutSeconds: number;
  readonly expiresAt: Date | null;
  /** Set on `pending` transfers only. */
  readonly pendingStatus: PendingStatus | null;
  readonly code: number;
  readonly userData: string | null;
  readonly seq: bigint;
  readonly createdAt: Date;
}

export type AccountResult =
  | { readonly ok: true; readonly account: Account; readonly replayed: boolean }
  | { readonly ok: false; readonly id: string; readonly error: import('./errors.ts').AccountError };

export type TransferResult =
  | { readonly ok: true; readonly transfer: Transfer; readonly replayed: boolean }
  | { readonly ok: false; readonly id: string; readonly error: import('./errors.ts').TransferError };

/**
 * Anything that can run SQL: the database's Kysely or a transaction of it, so
 * a domain (clearing, say) can move money and write its own rows atomically.
 */
export type LedgerExecutor = import('kysely').Kysely<import('../db/schema.ts').Schema>;

export interface LedgerService {
  /** Creates accounts; an existing id with the same fields is `replayed`, with other fields an error. */
  createAccounts(
    inputs: readonly AccountInput[],
    options?: { readonly executor?: LedgerExecutor },
  ): Promise<readonly AccountResult[] | import('./errors.ts').LedgerCallError>;
  /**
   * Applies transfers in order, one result per input. Pass `executor` (a
   * transaction) to run inside the caller's transaction; otherwise the call
   * is its own transaction, retried on serialization failure.
   */
  createTransfers(
    inputs: readonly TransferInput[],
    options?: { readonly executor?: LedgerExecutor },
  ): Promise<readonly TransferResult[] | import('./errors.ts').LedgerCallError>;
  lookupAccounts(
    ids: readonly string[],
    options?: { readonly executor?: LedgerExecutor },
  ): Promise<readonly Account[]>;
  lookupTransfers(
    ids: readonly string[],
    options?: { readonly executor?: LedgerExecutor },
  ): Promise<readonly Transfer[]>;
  /** Transfers touching an account, newest first, at most `limit` (<= 1000), before `beforeSeq` when paging. */
  listAccountTransfers(
    accountId: string,
    page: { readonly limit: number; readonly beforeSeq?: bigint },
  ): Promise<readonly Transfer[]>;
  /** Expires holds whose timeout has passed (as of `now`); returns how many. Called by the sweeper worker. */
  expirePendingTransfers(now: Date, limit: number): Promise<number>;
}
