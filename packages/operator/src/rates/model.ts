import type { Rate } from '@tallystick/protocol';

/**
 * Where the MTA gets its exchange rates: 1 `base` = rate `quote`, as of `at`.
 * `undefined` when the pair is not quoted at `at` (unknown, or outside every
 * validity window); the initiation is then refused as `rate_unavailable`.
 * Synchronous on purpose: a live feed is polled into memory by its own
 * worker, never awaited on the payment path.
 */
export interface RateSource {
  rate(base: string, quote: string, at: Date): Rate | undefined;
}

/**
 * A rate with the window it may be used in: `validFromMs <= at < validUntilMs`
 * (half-open, so consecutive windows never both apply). A side left out is
 * unbounded; a configured `TALLY_RATES` entry without a window always applies.
 */
export interface QuotedRate extends Rate {
  readonly validFromMs?: number;
  readonly validUntilMs?: number;
}

/** 1 X = 1 X: a session in the merchant's own currency converts nothing. */
export function identityRate(currency: string): Rate {
  return { base: currency, quote: currency, numerator: 1n, denominator: 1n };
}

/** Whether `atMs` lies in the rate's window. */
export function rateAppliesAt(rate: QuotedRate, atMs: number): boolean {
  return (rate.validFromMs ?? -Infinity) <= atMs && atMs < (rate.validUntilMs ?? Infinity);
}

/** Whether two windows of the same pair share an instant: a table must never offer two rates at once. */
export function windowsOverlap(a: QuotedRate, b: QuotedRate): boolean {
  return (
    (a.validFromMs ?? -Infinity) < (b.validUntilMs ?? Infinity) &&
    (b.validFromMs ?? -Infinity) < (a.validUntilMs ?? Infinity)
  );
}

/** The bare rate, without its window: what is signed into acknowledgements (strict wire schemas). */
export function bareRate(rate: QuotedRate): Rate {
  return { base: rate.base, quote: rate.quote, numerator: rate.numerator, denominator: rate.denominator };
}
