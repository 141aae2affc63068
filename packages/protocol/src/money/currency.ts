/**
 * ISO 4217 currencies the network knows, with their minor-unit exponent.
 * A code not listed here is refused as `currency_invalid` rather than guessed.
 */
export const CURRENCY_EXPONENTS: { readonly [code: string]: number } = {
  AUD: 2,
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  INR: 2,
  ISK: 0,
  JPY: 0,
  KRW: 0,
  MXN: 2,
  NOK: 2,
  NZD: 2,
  PLN: 2,
  SEK: 2,
  SGD: 2,
  USD: 2,
  ZAR: 2,
  KWD: 3,
  BHD: 3,
};

export type CurrencyCode = string;

export function isCurrency(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, code);
}

export function currencyExponent(code: CurrencyCode): number {
  const exponent = CURRENCY_EXPONENTS[code];
  if (exponent === undefined) throw new Error(`unknown currency ${code}`);
  return exponent;
}
