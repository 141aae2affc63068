import { type CurrencyCode, isCurrency } from './currency.ts';

/**
 * An exchange rate as an exact fraction, never a float:
 * 1 major unit of `base` = numerator / denominator major units of `quote`.
 * `{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10000n }` is 1 SEK = 0.0874 EUR.
 * Minor-unit exponents are applied by `convertMinor`, so the fraction reads like a quoted rate.
 * On the wire both terms are decimal strings.
 */
export interface Rate {
  readonly base: CurrencyCode;
  readonly quote: CurrencyCode;
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** Bounds each term to 18 digits so a rate is a short string and products stay small. */
export const RATE_TERM_MAX = 10n ** 18n - 1n;
export const RATE_TERM_PATTERN = '^[1-9][0-9]{0,17}$';
const DECIMAL_RATE = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export const RATE_ERRORS = ['rate_malformed', 'rate_currency_unknown', 'rate_term_too_large'] as const;
export type RateError = (typeof RATE_ERRORS)[number];
export const RATE_ERROR_MESSAGES: { readonly [k in RateError]: string } = {
  rate_malformed: 'the rate is not a positive decimal number',
  rate_currency_unknown: 'the rate names a currency the network does not know',
  rate_term_too_large: 'the rate needs more than 18 digits in its numerator or denominator',
};

/** `rateFromDecimal('SEK', 'EUR', '0.0874')`: exact, trailing zeros kept as given. */
export function rateFromDecimal(base: string, quote: string, decimal: string): Rate | RateError {
  if (!isCurrency(base) || !isCurrency(quote)) return 'rate_currency_unknown';
  const match = DECIMAL_RATE.exec(decimal);
  if (!match) return 'rate_malformed';
  const fraction = match[2] ?? '';
  const numerator = BigInt(`${match[1]}${fraction}`);
  const denominator = 10n ** BigInt(fraction.length);
  if (numerator === 0n) return 'rate_malformed';
  return checkRate({ base, quote, numerator, denominator }) ?? { base, quote, numerator, denominator };
}

/** Why a rate is unusable, or undefined when it is fine. */
export function checkRate(rate: Rate): RateError | undefined {
  if (!isCurrency(rate.base) || !isCurrency(rate.quote)) return 'rate_currency_unknown';
  if (rate.numerator <= 0n || rate.denominator <= 0n) return 'rate_malformed';
  if (rate.numerator > RATE_TERM_MAX || rate.denominator > RATE_TERM_MAX) return 'rate_term_too_large';
  return undefined;
}

/** The same rate read the other way (quote -> base): exact, no rounding. */
export function invertRate(rate: Rate): Rate {
  return { base: rate.quote, quote: rate.base, numerator: rate.denominator, denominator: rate.numerator };
}
