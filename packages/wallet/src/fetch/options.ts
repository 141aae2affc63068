import type { TallyOffer, TallyReceipt, TallyScheme } from '@tallystick/protocol';
import type { TerminateHook } from '../session/model.ts';

export interface WrapFetchOptions {
  /** Deposit held per transaction, in the customer's currency (minor units). */
  readonly maxDepositMinor: bigint;
  /** The most one request may cost, in the merchant's currency: a dearer 402 is returned unpaid. */
  readonly maxPriceMinor: bigint;
  /** Stop paying once this much was spent through this fetch, per merchant currency. */
  readonly maxTotalMinor?: bigint;
  /** Decides each offer after the price checks (merchant or operator allowlists, …). */
  readonly allow?: (offer: TallyOffer) => boolean;
  /** Preference when a 402 offers several schemes. Default: hash chain first, then vouchers. */
  readonly schemes?: readonly TallyScheme[];
  /** The session timer agreed at initiation. Default 600 s. */
  readonly timeoutSeconds?: number;
  /** Units per hash chain (per transaction). Default 10,000. */
  readonly hashChainLength?: number;
  /** Called with each receipt the merchant sent. */
  readonly onReceipt?: (receipt: TallyReceipt) => void;
  /**
   * Called with each signed terminate (on `close()` and when a deposit rolls
   * over), for the app to deliver to the merchant: x402 has no message for
   * it, so where it goes is the merchant's (e.g. the paid API's
   * `POST /tally/terminate`). Without it the merchant is not told, and
   * submits its record on its own.
   */
  readonly onTerminate?: TerminateHook;
}

export const WRAP_FETCH_DEFAULTS = {
  schemes: ['tally-payword', 'tally-voucher'] as readonly TallyScheme[],
  timeoutSeconds: 600,
  hashChainLength: 10_000,
  /** Paid attempts per request after the first 402 (a stale proof gets a fresh 402 and is paid again). */
  paidAttemptsMax: 3,
  /** Routes whose terms are remembered to pay up front on the next call (no 402 round trip). */
  knownRoutesMax: 1_000,
} as const;
