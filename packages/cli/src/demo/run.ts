import type { LocalNetwork } from '../network/network.ts';
import type { PartyCredentials } from '../network/parties.ts';
import { DemoContext } from './context.ts';
import { describeBalances, describeClearing, type Narrator } from './print.ts';
import { checkBooks, type DemoReport, readBalances, transactionReport } from './report.ts';
import { DEMO_SCENARIOS, type DemoScenarioName } from './scenarios.ts';

/**
 * Runs one scenario on a network and reports what every party ended up with:
 * each transaction as op-a booked it, the balances before and after, and
 * whether the books of both operators still balance.
 */
export async function runScenario(
  network: LocalNetwork,
  name: DemoScenarioName,
  say: Narrator,
  customer: PartyCredentials = network.customer,
): Promise<DemoReport> {
  const balancesBefore = await readBalances(network, customer);
  const ctx = new DemoContext(network, customer, say);
  await DEMO_SCENARIOS[name].run(ctx);
  const ids = await ctx.waitCleared();
  say.step('Clearing: op-b compares the records and clears, op-a posts the charge and releases the rest');
  const transactions = [];
  for (const id of ids) {
    const report = transactionReport(await ctx.wallet.getTransaction(id), ctx.purchases.get(id) ?? []);
    describeClearing(say, report);
    transactions.push(report);
  }
  const balancesAfter = await readBalances(network, customer);
  const books = await checkBooks(network);
  say.step('Balances');
  describeBalances(say, balancesBefore, balancesAfter);
  say.detail(
    `Every currency sums to zero on both operators: ${books.balanced ? 'yes' : 'NO'}; ` +
      `every hold resolved exactly once: ${books.holdsResolved ? 'yes' : 'NO'}`,
  );
  return {
    scenario: name,
    sessionId: await ctx.wallet.sessionId(),
    customer: { id: customer.id, operatorId: customer.operatorId, accountId: customer.accountId },
    merchant: {
      id: network.merchantCredentials.id,
      operatorId: network.merchantCredentials.operatorId,
      accountId: network.merchantCredentials.accountId,
    },
    transactions,
    balancesBefore,
    balancesAfter,
    ledgerBalanced: books.balanced,
    holdsResolved: books.holdsResolved,
    undeliveredTerminates: ctx.terminateFailures.map(
      (f) => `${f.transactionId}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
    ),
    ...(ctx.currencyTable ? { currencyTable: ctx.currencyTable } : {}),
  };
}
