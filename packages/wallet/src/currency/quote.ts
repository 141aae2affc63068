import { convertMinor, invertRate, isCurrency } from '@tallystick/protocol';
import { TallyConfigError, TallyResponseError } from '../errors.ts';
import type { CurrencyTable, CurrencyTableWarning, PricedOffer, PriceQuote } from './model.ts';

/** Whether a table may still be shown as current. */
export function isExpired(table: CurrencyTable, nowMs: number): boolean {
  return nowMs >= table.validUntilMs;
}

export function checkPricedOffer(offer: PricedOffer): void {
  if (typeof offer?.priceMinor !== 'bigint' || offer.priceMinor < 0n)
    throw new TallyConfigError('argument_invalid', 'priceMinor must be a non-negative bigint');
  if (!isCurrency(offer.currency)) throw new TallyConfigError('argument_invalid', 'currency');
}

/**
 * Converts a merchant's price into the customer's currency with the table's
 * rate (customer -> merchant) read backwards and rounded UP: the charge
 * rule of protocol money/convert.ts, so the shown price is never less than
 * what the same rate charges, and less than one minor unit more.
 */
export function quoteWith(
  table: CurrencyTable,
  offer: PricedOffer,
  nowMs: number,
  warnings: readonly CurrencyTableWarning[],
): PriceQuote {
  checkPricedOffer(offer);
  let priceCustomerMinor = offer.priceMinor;
  if (offer.currency !== table.currency) {
    const rate = table.rates.get(offer.currency);
    if (!rate) throw new TallyResponseError('currency_not_quoted', `${table.currency} -> ${offer.currency}`);
    const converted = convertMinor(offer.priceMinor, invertRate(rate), 'up');
    if (converted === 'amount_overflow')
      throw new TallyConfigError('argument_invalid', 'priceMinor is too large');
    priceCustomerMinor = converted;
  }
  const expired = isExpired(table, nowMs);
  return {
    priceCustomerMinor,
    customerCurrency: table.currency,
    priceMerchantMinor: offer.priceMinor,
    merchantCurrency: offer.currency,
    tableId: table.tableId,
    expired,
    warnings:
      expired && !warnings.includes('currency_table_expired')
        ? [...warnings, 'currency_table_expired']
        : warnings,
  };
}
