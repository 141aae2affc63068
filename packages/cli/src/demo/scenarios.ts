import type { DemoContext } from './context.ts';
import { letTableExpire, refreshInSession } from './currency-table.ts';

/** 100.00 SEK: 8.74 EUR for the shop at 0.0874. */
const DEPOSIT_MINOR = 10_000n;
/** 50.00 SEK: 4.37 EUR, used up by the fourth article. */
const SMALL_DEPOSIT_MINOR = 5_000n;
const SESSION_SECONDS = 600;
/** The scenarios that run a timer out use a short one (the demo skips it on the network clock). */
const SHORT_TIMER_SECONDS = 60;

export const SCENARIO_NAMES = [
  'normal',
  'exhaust',
  'merchant-stop',
  'timeout',
  'mismatch',
  'missing-customer-record',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  readonly summary: string;
  /** How each transaction of the session clears, in order (what the tests expect). */
  readonly expected: readonly { readonly outcome: string; readonly reason: string }[];
  run(ctx: DemoContext): Promise<void>;
}

const AGREED = { outcome: 'agreed', reason: 'records_match' } as const;

export const SCENARIOS: { readonly [name in ScenarioName]: Scenario } = {
  normal: {
    summary: 'open a session, buy three articles, the customer stops, both records match',
    expected: [AGREED],
    async run(ctx) {
      const session = await ctx.open(DEPOSIT_MINOR, SESSION_SECONDS);
      ctx.say.step('Buy three articles: the wallet signs a voucher for each, the shop checks it locally');
      for (const sku of ['tally-sticks', 'small-change', 'two-halves']) await ctx.buy(session, sku);
      await ctx.close(session);
    },
  },
  exhaust: {
    summary: 'buy more than the deposit holds: the wallet carries on in a new transaction',
    expected: [AGREED, AGREED],
    async run(ctx) {
      const session = await ctx.open(SMALL_DEPOSIT_MINOR, SESSION_SECONDS);
      ctx.say.step('Buy five articles, more than one deposit holds');
      for (const sku of ['tally-sticks', 'small-change', 'two-halves', 'exchange', 'tally-sticks']) {
        await ctx.buy(session, sku);
      }
      await ctx.close(session);
    },
  },
  'merchant-stop': {
    summary: 'the shop stops the session and hands in its record first',
    expected: [AGREED],
    async run(ctx) {
      const session = await ctx.open(DEPOSIT_MINOR, SESSION_SECONDS);
      ctx.say.step('Buy two articles');
      for (const sku of ['tally-sticks', 'small-change']) await ctx.buy(session, sku);
      ctx.say.step('The shop closes for the night');
      await ctx.merchantStop(currentTransaction(ctx));
      ctx.say.step('The customer tries one more article');
      await ctx.buy(session, 'two-halves');
      await ctx.close(session);
    },
  },
  timeout: {
    summary: 'nobody stops the session or hands in a record: the timer clears it',
    expected: [{ outcome: 'nothing_claimed', reason: 'records_missing' }],
    async run(ctx) {
      const session = await ctx.open(DEPOSIT_MINOR, SHORT_TIMER_SECONDS);
      ctx.say.step('Buy two articles, then neither side says another word');
      for (const sku of ['tally-sticks', 'small-change']) await ctx.buy(session, sku);
      await ctx.expire(SHORT_TIMER_SECONDS);
    },
  },
  mismatch: {
    summary: "the customer's record disagrees with the shop's: clearing follows the vouchers",
    expected: [{ outcome: 'customer_vouchers', reason: 'records_differ' }],
    async run(ctx) {
      const session = await ctx.open(DEPOSIT_MINOR, SESSION_SECONDS);
      ctx.say.step('Buy three articles; the third request is lost on the way');
      for (const sku of ['tally-sticks', 'small-change']) await ctx.buy(session, sku);
      await ctx.payLost(session, 'two-halves');
      await ctx.close(session);
    },
  },
  'missing-customer-record': {
    summary: "only the shop's record arrives: the timer clears from its last voucher",
    expected: [{ outcome: 'customer_vouchers', reason: 'customer_record_missing' }],
    async run(ctx) {
      const session = await ctx.open(DEPOSIT_MINOR, SHORT_TIMER_SECONDS);
      ctx.say.step("Buy three articles, then the customer's device goes offline for good");
      for (const sku of ['tally-sticks', 'small-change', 'two-halves']) await ctx.buy(session, sku);
      ctx.say.step('The shop stops the session; the wallet never sends its record');
      await ctx.merchantStop(currentTransaction(ctx));
      await ctx.expire(SHORT_TIMER_SECONDS);
    },
  },
};

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/**
 * What `tally demo --scenario` offers: the trading-session scenarios (which
 * the operator's scenario tests run too) and the demo-only ones.
 */
export const DEMO_SCENARIO_NAMES = [...SCENARIO_NAMES, 'expired-table'] as const;
export type DemoScenarioName = (typeof DEMO_SCENARIO_NAMES)[number];

export const DEMO_SCENARIOS: { readonly [name in DemoScenarioName]: Scenario } = {
  ...SCENARIOS,
  'expired-table': {
    summary:
      "the wallet's currency table has expired: it warns, fetches a fresh one, and the session goes on",
    expected: [AGREED],
    async run(ctx) {
      const expired = await letTableExpire(ctx, 'tally-sticks');
      const session = await ctx.open(DEPOSIT_MINOR, SESSION_SECONDS);
      ctx.currencyTable = await refreshInSession(ctx, session, expired, 'tally-sticks');
      ctx.say.step('Buy three articles, priced with the fresh table');
      for (const sku of ['tally-sticks', 'small-change', 'two-halves']) await ctx.buy(session, sku);
      await ctx.close(session);
    },
  },
};

export function isDemoScenarioName(value: string): value is DemoScenarioName {
  return (DEMO_SCENARIO_NAMES as readonly string[]).includes(value);
}

function currentTransaction(ctx: DemoContext): string {
  const id = ctx.sessions.at(-1)?.currentTransactionId;
  if (id === undefined) throw new Error('assertion: the session has an open transaction');
  return id;
}
