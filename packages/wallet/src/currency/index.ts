export type { CurrencyTable, CurrencyTableWarning, PricedOffer, PriceQuote } from './model.ts';
