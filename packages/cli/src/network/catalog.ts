/** What the demo shop sells: short articles, priced in EUR cents (the shop's operator's currency). */
export interface CatalogItem {
  readonly sku: string;
  readonly title: string;
  readonly priceMinor: bigint;
  /** What the buyer receives. */
  readonly content: string;
}

export const SHOP_NAME = 'The Tally Times';
export const SHOP_OFFER_ID = 'articles';

export const CATALOG: readonly CatalogItem[] = [
  {
    sku: 'tally-sticks',
    title: 'How a split stick settled debts for six centuries',
    priceMinor: 120n,
    content:
      'Notches cut across a stick, split lengthwise: each party kept a half that only matched the other.',
  },
  {
    sku: 'small-change',
    title: 'Why a 35-cent article never had a price before',
    priceMinor: 35n,
    content: 'A card payment costs more than the article; a deposit held once pays for many.',
  },
  {
    sku: 'two-halves',
    title: 'Two records, one truth: clearing a trading session',
    priceMinor: 200n,
    content: 'The customer and the merchant each hand in a signed record; the operator compares the halves.',
  },
  {
    sku: 'exchange',
    title: 'Paying in kronor, earning in euros',
    priceMinor: 150n,
    content: 'The merchant is promised the deposit rounded down; the customer pays the charge rounded up.',
  },
];

export function catalogItem(sku: string): CatalogItem | undefined {
  return CATALOG.find((item) => item.sku === sku);
}
