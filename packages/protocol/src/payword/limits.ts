/**
 * Bounds of PayWord hash chains (DESIGN §5). The chain length itself is
 * bounded by `HASH_CHAIN_LENGTH_MAX` (messages/limits.ts, enforced by the
 * initiation schema); these bound the work one payment can cause.
 */

/** Units one payment may pay for: a route priced above `unit price × this` is refused at configuration. */
export const PAYWORD_UNITS_PER_PAYMENT_MAX = 10_000;
/**
 * How far a preimage may jump ahead of the highest one seen: the merchant
 * hashes at most this many times for one payment (a forged far-ahead index
 * cannot make it hash a million times).
 */
export const PAYWORD_STEPS_AHEAD_MAX = 20_000;
/**
 * Out-of-order tolerance: a unit at most this far below the highest one seen
 * is still accepted once; anything older is refused as replayed. Concurrent
 * requests of one wallet arrive within a few units of each other.
 */
export const PAYWORD_REORDER_WINDOW = 4_096;
/** The wallet keeps one chain value every this many steps and recomputes the rest a segment at a time. */
export const PAYWORD_CHECKPOINT_INTERVAL = 1_024;
