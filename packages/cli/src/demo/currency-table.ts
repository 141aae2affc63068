import type { CurrencyTableWarning, PriceQuote, TradingSession } from '@tallystick/wallet';
import { catalogItem } from '../network/catalog.ts';
import { CUSTOMER_OPERATOR, MERCHANT_OPERATOR } from '../network/model.ts';
import type { DemoContext } from './context.ts';
import { formatMoney } from './money.ts';

/** Where the customer's operator publishes its signed currency table (operator currency-table/model.ts). */
const CURRENCY_TABLE_PATH = '/v1/currency-table';

/** What `--scenario expired-table` shows: the wallet's table ran out, it warned, and it fetched a fresh one. */
export interface CurrencyTableReport {
  readonly refreshed: boolean;
  readonly expiredTableId: string;
  readonly expiredValidUntil: string;
  readonly freshTableId: string;
  readonly freshValidUntil: string;
  /** The first warning of the session's quote: `currency_table_expired`. */
  readonly warning: CurrencyTableWarning | null;
  /** Every warning the wallet raised, in order (the first fetch says `currency_table_missing`). */
  readonly warnings: readonly CurrencyTableWarning[];
  /** The session pinned the fresh table for all its prices. */
  readonly sessionTableId: string | null;
  /** One article's price in the customer's currency, from the fresh table. */
  readonly quote: {
    readonly sku: string;
    readonly priceMerchantMinor: string;
    readonly priceCustomerMinor: string;
  };
}

/** Step one: the wallet quotes a price, caching today's table; then the network clock passes its end. */
export async function letTableExpire(
  ctx: DemoContext,
  sku: string,
): Promise<{ tableId: string; validUntilMs: number }> {
  const item = priced(sku);
  ctx.say.step(
    `The wallet shows "${item.title}" in ${CUSTOMER_OPERATOR.currency}, with ${CUSTOMER_OPERATOR.id}'s currency table`,
  );
  const first = await ctx.wallet.quote({ currency: MERCHANT_OPERATOR.currency, priceMinor: item.priceMinor });
  const validUntilMs = await tableValidUntilMs(ctx, first.tableId);
  describeQuote(ctx, first, `table ${first.tableId}, valid until ${new Date(validUntilMs).toISOString()}`);
  const skipMs = validUntilMs - ctx.network.clock.now().getTime() + 1_000;
  ctx.say.step(`${Math.ceil(skipMs / 60_000)} minutes pass: the cached table expires`);
  ctx.network.clock.advance(skipMs);
  ctx.say.detail(
    `(the demo moves the network's clock forward instead of waiting; now ${ctx.network.clock.now().toISOString()})`,
  );
  return { tableId: first.tableId, validUntilMs };
}

/** Step two: the session's first quote finds the table expired, warns, fetches a fresh one and pins it. */
export async function refreshInSession(
  ctx: DemoContext,
  session: TradingSession,
  expired: { tableId: string; validUntilMs: number },
  sku: string,
): Promise<CurrencyTableReport> {
  const item = priced(sku);
  const quote = await session.quote(item.priceMinor);
  const freshValidUntilMs = await tableValidUntilMs(ctx, quote.tableId);
  ctx.say.detail(
    `the wallet warns "${quote.warnings.join(', ')}" and fetches a fresh table: ${quote.tableId}, ` +
      `valid until ${new Date(freshValidUntilMs).toISOString()}; the session uses it for every price`,
  );
  describeQuote(ctx, quote, `fresh table ${quote.tableId}`);
  return {
    refreshed: quote.tableId !== expired.tableId,
    expiredTableId: expired.tableId,
    expiredValidUntil: new Date(expired.validUntilMs).toISOString(),
    freshTableId: quote.tableId,
    freshValidUntil: new Date(freshValidUntilMs).toISOString(),
    warning: quote.warnings[0] ?? null,
    warnings: [...ctx.tableWarnings],
    sessionTableId: session.currencyTableId ?? null,
    quote: {
      sku,
      priceMerchantMinor: String(quote.priceMerchantMinor),
      priceCustomerMinor: String(quote.priceCustomerMinor),
    },
  };
}

function priced(sku: string) {
  const item = catalogItem(sku);
  if (!item) throw new Error(`assertion: ${sku} is not in the catalogue`);
  return item;
}

function describeQuote(ctx: DemoContext, quote: PriceQuote, source: string): void {
  ctx.say.detail(
    `${formatMoney(quote.priceMerchantMinor, quote.merchantCurrency)} is shown as ` +
      `${formatMoney(quote.priceCustomerMinor, quote.customerCurrency)} (rounded up; ${source})`,
  );
}

/** The table's end, as the operator publishes it (tables are window-aligned: same window, same id). */
async function tableValidUntilMs(ctx: DemoContext, tableId: string): Promise<number> {
  const response = await fetch(`${ctx.network.customerOperator.url}${CURRENCY_TABLE_PATH}`);
  const issued = (await response.json()) as { tableId: string; validUntilMs: number };
  if (issued.tableId !== tableId)
    throw new Error(`assertion: ${CUSTOMER_OPERATOR.id} now issues ${issued.tableId}, not ${tableId}`);
  return issued.validUntilMs;
}
