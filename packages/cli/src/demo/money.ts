import { currencyExponent, type Rate } from '@tallystick/protocol';

/** `12345n, 'SEK'` -> `123.45 SEK`, with thousands grouped for reading. */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = amountMinor < 0n ? '-' : '';
  const digits = (amountMinor < 0n ? -amountMinor : amountMinor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${sign}${whole}${fraction} ${currency}`;
}

/** `1 SEK = 0.0874 EUR`: exact, as the rate's fraction reads. */
export function formatRate(rate: Rate): string {
  return `1 ${rate.base} = ${fractionText(rate.numerator, rate.denominator)} ${rate.quote}`;
}

function fractionText(numerator: bigint, denominator: bigint): string {
  const places = denominator.toString().length - 1;
  if (denominator !== 10n ** BigInt(places)) return `${numerator}/${denominator}`;
  const digits = numerator.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  return places === 0 ? whole : `${whole}.${digits.slice(digits.length - places)}`;
}

/** A rate as the wire carries it (decimal strings) back to exact terms. */
export function parseRate(rate: {
  readonly base: string;
  readonly quote: string;
  readonly numerator: string;
  readonly denominator: string;
}): Rate {
  return { ...rate, numerator: BigInt(rate.numerator), denominator: BigInt(rate.denominator) };
}
