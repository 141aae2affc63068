/** Bounds of the HTTP 402 paywall (STYLE: a limit on everything, named). */

/** A voucher that arrived ahead of its predecessor, or behind one being served, waits at most this long. */
export const VOUCHER_WAIT_MS = 2_000;
/** Requests waiting on one transaction's vouchers; more are refused with `session_busy`. */
export const VOUCHER_WAITERS_MAX = 64;
/** Transactions kept in memory per scheme (least recently loaded idle ones are dropped and reloaded). */
export const PAYWALL_LANES_MAX = 10_000;
/** A terminate stored by another path stops hash-chain payments within this long. */
export const PAYWORD_STATUS_REFRESH_MS = 1_000;
/** `maxTimeoutSeconds` of the offers: how long a 402's terms stay valid for the paid retry. */
export const PAYMENT_TIMEOUT_SECONDS = 300;
/** The offer id wallets open x402 sessions for, unless the paywall names one. */
export const PAYWALL_OFFER_ID_DEFAULT = 'x402';
