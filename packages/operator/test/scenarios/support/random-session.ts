import type { TransactionInfo } from '@tallystick/wallet';
import type { DemoContext } from '../../../../cli/src/demo/context.ts';
import { CATALOG } from '../../../../cli/src/network/catalog.ts';
import type { LocalNetwork } from '../../../../cli/src/network/network.ts';

/** How a random session ends. */
export const STOPS = [
  'customer', // the wallet stops: terminate to the shop, both records go in
  'merchant', // the shop stops first, then the customer's next article is refused and the wallet stops
  'timeout', // nobody stops, nobody hands in a record: the timer clears
  'no-customer-record', // the shop stops and hands in its record, the wallet vanishes
  'no-merchant-record', // the wallet stops but the shop never hears of it
  'mismatch', // the last article's request is lost, then the wallet stops: records differ
] as const;
export type Stop = (typeof STOPS)[number];

export interface SessionPlan {
  /** SEK minor units; at least 25.00 SEK, so the dearest article (2.00 EUR) fits in one deposit. */
  readonly depositMinor: bigint;
  readonly skus: readonly string[];
  readonly stop: Stop;
}

export const SESSION_SECONDS = 600;
const DEPOSIT_MINOR_MIN = 2_500;
const DEPOSIT_MINOR_MAX = 15_000;
const PURCHASES_MAX = 6;

/** mulberry32: small, seeded, good enough to pick plans that a failing seed replays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planSession(random: () => number): SessionPlan {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const count = Math.floor(random() * (PURCHASES_MAX + 1));
  return {
    depositMinor: BigInt(DEPOSIT_MINOR_MIN + Math.floor(random() * (DEPOSIT_MINOR_MAX - DEPOSIT_MINOR_MIN))),
    skus: Array.from({ length: count }, () => pick(CATALOG).sku),
    stop: pick(STOPS),
  };
}

/** Plays one plan through the wallet SDK, the shop's HTTP API and the merchant SDK. */
export async function driveSession(ctx: DemoContext, plan: SessionPlan): Promise<void> {
  const session = await ctx.open(plan.depositMinor, SESSION_SECONDS, {
    terminateToShop: plan.stop !== 'no-merchant-record',
  });
  for (const [i, sku] of plan.skus.entries()) {
    if (plan.stop === 'mismatch' && i === plan.skus.length - 1) await ctx.payLost(session, sku);
    else await ctx.buy(session, sku);
  }
  const current = session.currentTransactionId;
  if ((plan.stop === 'merchant' || plan.stop === 'no-customer-record') && current !== undefined) {
    await ctx.merchantStop(current);
  }
  if (plan.stop === 'merchant') await ctx.buy(session, 'small-change');
  if (plan.stop === 'customer' || plan.stop === 'merchant' || plan.stop === 'mismatch')
    await ctx.close(session);
  if (plan.stop === 'no-merchant-record') await ctx.close(session);
}

export interface ExpectedClearing {
  readonly outcome: string;
  readonly reason: string;
  readonly clearedMerchantMinor: string;
}

/**
 * How one transaction must clear, from what each side actually handed in:
 * the customer's record carries everything the wallet signed, the shop's
 * everything it accepted; the newest voucher in either decides (DESIGN §3).
 */
export async function expectedClearing(
  network: LocalNetwork,
  tx: TransactionInfo,
): Promise<ExpectedClearing> {
  const shopSession = await network.merchant.getSession(tx.transactionId);
  const customerRecord = tx.status === 'closed';
  const merchantRecord = shopSession?.record?.status !== undefined;
  const signed = tx.cumulativeMinor;
  const accepted = shopSession?.cumulativeMinor ?? 0n;
  const same = tx.lastSeq === (shopSession?.seq ?? 0) && signed === accepted;
  const reason =
    customerRecord && merchantRecord
      ? same && tx.lastSeq > 0
        ? 'records_match'
        : 'records_differ'
      : customerRecord
        ? 'merchant_record_missing'
        : merchantRecord
          ? 'customer_record_missing'
          : 'records_missing';
  const cleared = customerRecord ? signed : merchantRecord ? accepted : 0n;
  const outcome =
    cleared === 0n ? 'nothing_claimed' : reason === 'records_match' ? 'agreed' : 'customer_vouchers';
  return { outcome, reason, clearedMerchantMinor: String(cleared) };
}
