import { currencyExponent } from './currency.ts';

/** Largest amount anywhere in Tallystick: PostgreSQL bigint, 2^63 - 1 minor units. */
export const AMOUNT_MAX_MINOR = 9_223_372_036_854_775_807n;
/** Wire form of an amount: a decimal string of minor units, no sign, no leading zeros. */
export const AMOUNT_MINOR_PATTERN = '^(0|[1-9][0-9]{0,18})$';
const amountRegex = new RegExp(AMOUNT_MINOR_PATTERN);

export type AmountParseError = 'amount_malformed' | 'amount_overflow';

/** Parses a wire amount (decimal string of minor units). Never goes through `number`. */
export function parseAmountMinor(wire: unknown): bigint | AmountParseError {
  if (typeof wire !== 'string' || !amountRegex.test(wire)) return 'amount_malformed';
  const value = BigInt(wire);
  return value > AMOUNT_MAX_MINOR ? 'amount_overflow' : value;
}

/** `1234n, 'EUR'` -> `12.34 EUR`: for people, never for arithmetic. */
export function formatAmount(amountMinor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction} ${currency}`;
}
