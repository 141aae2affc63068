import type { Rate } from '@tallystick/protocol';

/** A currency table that verified under the AM's operator key. */
export interface CurrencyTable {
  readonly tableId: string;
  readonly operatorId: string;
  /** The customer's currency: every rate reads it -> a merchant currency. */
  readonly currency: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  /** By merchant currency (the rate's quote). */
  readonly rates: ReadonlyMap<string, Rate>;
}

/**
 * What happened while finding a table: `currency_table_missing` (none was
 * cached; a fresh one was fetched), `currency_table_expired` (the cached one
 * had expired; a fresh one was fetched, or, for a session, its pinned table
 * is past its validity), `currency_table_refresh_failed` (the fetch failed:
 * the quote uses the expired table and says `expired: true`).
 */
export type CurrencyTableWarning =
  | 'currency_table_missing'
  | 'currency_table_expired'
  | 'currency_table_refresh_failed';

/** A merchant's price, in the merchant's currency. */
export interface PricedOffer {
  /** The merchant's currency. */
  readonly currency: string;
  readonly priceMinor: bigint;
}

/** A merchant's price as the customer is shown it: never less than what the customer will be charged. */
export interface PriceQuote {
  /** In `customerCurrency`, rounded up. */
  readonly priceCustomerMinor: bigint;
  readonly customerCurrency: string;
  readonly priceMerchantMinor: bigint;
  readonly merchantCurrency: string;
  readonly tableId: string;
  /** The table's validity had ended: show the price as indicative. */
  readonly expired: boolean;
  readonly warnings: readonly CurrencyTableWarning[];
}
