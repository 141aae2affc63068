import { currencyExponent, isCurrency } from '@tallystick/protocol';
import type { AssetAmount, Price } from '@x402/core/types';

const MAJOR = /^(0|[1-9][0-9]{0,15})(?:\.([0-9]+))?$/;

/**
 * A stock route's `price` in the merchant's currency: `{ asset, amount }` in
 * minor units as is, or a decimal of major units (`'0.50'`, `0.5`, `'SEK 0.50'`).
 * There is no conversion: a price in another currency (or in `$`) is refused.
 */
export function parseTallyPrice(price: Price, currency: string): AssetAmount {
  if (typeof price === 'object') {
    if (price.asset !== currency || !/^(0|[1-9][0-9]{0,18})$/.test(price.amount)) {
      throw new Error(`tallystick: a price must be minor units of ${currency}`);
    }
    return { asset: price.asset, amount: price.amount };
  }
  const text = String(price)
    .trim()
    .replace(new RegExp(`^${currency}\\s*|\\s*${currency}$`, 'g'), '');
  const m = MAJOR.exec(text);
  const exponent = isCurrency(currency) ? currencyExponent(currency) : -1;
  if (!m || exponent < 0 || (m[2] ?? '').length > exponent) {
    throw new Error(`tallystick: ${JSON.stringify(price)} is not an amount of ${currency}`);
  }
  const minor =
    BigInt(m[1] as string) * 10n ** BigInt(exponent) + BigInt((m[2] ?? '').padEnd(exponent, '0') || '0');
  return { asset: currency, amount: minor.toString() };
}
