import type { Rate } from '@tallystick/protocol';

/**
 * Where the MTA gets its exchange rates: 1 `base` = rate `quote`, as of `at`.
 * `undefined` when the pair is not quoted; the initiation is then refused as
 * `rate_unavailable`. Synchronous on purpose: a live feed is polled into
 * memory by its own worker, never awaited on the payment path.
 */
export interface RateSource {
  rate(base: string, quote: string, at: Date): Rate | undefined;
}

/** 1 X = 1 X: a session in the merchant's own currency converts nothing. */
export function identityRate(currency: string): Rate {
  return { base: currency, quote: currency, numerator: 1n, denominator: 1n };
}
