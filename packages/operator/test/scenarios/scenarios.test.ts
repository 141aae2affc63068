import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoContext } from '../../../cli/src/demo/context.ts';
import { QUIET } from '../../../cli/src/demo/print.ts';
import type { Balances, DemoReport } from '../../../cli/src/demo/report.ts';
import { runScenario } from '../../../cli/src/demo/run.ts';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from '../../../cli/src/demo/scenarios.ts';
import type { LocalNetwork } from '../../../cli/src/network/network.ts';
import { testDatabaseEngine } from '../support/database.ts';
import { creditedOf, expectBooksBalanced, expectClearedConsistently, sumOf } from './support/invariants.ts';
import { startScenarioNetwork } from './support/network.ts';

/**
 * The scenarios of `tally demo`, each over real HTTP between op-a (SEK, the
 * customer's AM), op-b (EUR, the shop's MTA) and the demo shop: what clears,
 * what moves on every account, and that the books of both operators balance.
 */

/** EUR cents cleared to the shop per transaction (op-b converts 100.00 SEK to 8.74 EUR). */
const CLEARED_MERCHANT: { readonly [name in ScenarioName]: readonly string[] } = {
  normal: ['355'], // 1.20 + 0.35 + 2.00
  exhaust: ['355', '270'], // 1.50 no longer fits in 4.37: a second deposit takes 1.50 + 1.20
  'merchant-stop': ['155'], // the third article is refused after the shop stopped
  timeout: ['0'], // no record, no claim
  mismatch: ['355'], // the customer signed the lost third voucher
  'missing-customer-record': ['355'], // the shop's record carries its last voucher
};

describe(`trading-session scenarios over HTTP (${testDatabaseEngine()})`, () => {
  let network: LocalNetwork;
  beforeAll(async () => {
    network = await startScenarioNetwork();
  });
  afterAll(async () => {
    await network?.close();
  });

  it.each(SCENARIO_NAMES)('%s', async (name) => {
    const customer = await network.newCustomer(100_000n);
    const report = await runScenario(network, name, QUIET, customer);

    expect(report.transactions.map(({ outcome, reason }) => ({ outcome, reason }))).toEqual(
      SCENARIOS[name].expected,
    );
    expect(report.transactions.map((tx) => tx.clearedMerchantMinor)).toEqual(CLEARED_MERCHANT[name]);
    for (const tx of report.transactions) {
      expectClearedConsistently(tx);
      // Cleared exactly what the newest voucher proves: every article up to it.
      const proven = tx.purchases.filter((p) => p.seq <= (tx.voucherSeq ?? 0));
      expect(tx.clearedMerchantMinor).toBe(String(sumOf(proven.map((p) => p.priceMinor))));
      expect(tx.voucherSeq).toBe(tx.outcome === 'nothing_claimed' ? 0 : tx.purchases.length);
    }
    expectMoneyMovedAsCleared(report);
    expect(report.ledgerBalanced).toBe(true);
    expect(report.holdsResolved).toBe(true);
    expect(report.undeliveredTerminates).toEqual([]);
    await expectBooksBalanced(network);
  });

  it('answers a record sent again as the first time, so a lost answer is safe to retry', async () => {
    const ctx = new DemoContext(network, await network.newCustomer(100_000n), QUIET);
    const session = await ctx.open(10_000n, 600, { terminateToShop: false });
    await ctx.buy(session, 'small-change');
    const transactionId = session.currentTransactionId ?? '';
    const first = await network.merchant.submitRecord(transactionId);
    const again = await network.merchant.submitRecord(transactionId);
    expect([first.status, again.status]).toEqual(['recorded', 'recorded']);
    expect(again.record).toBe(first.record);
    await ctx.close(session);
    await ctx.waitCleared();
    expect((await network.merchant.submitRecord(transactionId)).status).toBe('cleared');
  });
});

/** The customer paid what was charged, the shop got what was cleared (less any fee), and each operator booked the debt between them. */
function expectMoneyMovedAsCleared(report: DemoReport): void {
  const moved = (account: keyof Balances) =>
    BigInt(report.balancesAfter[account].postedMinor) - BigInt(report.balancesBefore[account].postedMinor);
  const charged = sumOf(report.transactions.map((tx) => tx.clearedCustomerMinor));
  const credited = report.transactions.reduce((sum, tx) => sum + creditedOf(tx), 0n);
  expect({
    customer: moved('customer'),
    merchant: moved('merchant'),
    interopAtOpA: moved('interopAtOpA'),
    interopAtOpB: moved('interopAtOpB'),
    customerHeld: report.balancesAfter.customer.pendingMinor,
  }).toEqual({
    customer: -charged,
    merchant: credited,
    interopAtOpA: charged,
    interopAtOpB: -charged,
    customerHeld: '0',
  });
}
