import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoContext } from '../../../cli/src/demo/context.ts';
import { QUIET } from '../../../cli/src/demo/print.ts';
import { interopAccountId, type TransactionReport, transactionReport } from '../../../cli/src/demo/report.ts';
import { balanceOf } from '../../../cli/src/network/ledger.ts';
import type { LocalNetwork } from '../../../cli/src/network/network.ts';
import type { PartyCredentials } from '../../../cli/src/network/parties.ts';
import { testDatabaseEngine } from '../support/database.ts';
import { creditedOf, expectBooksBalanced, expectClearedConsistently, sumOf } from './support/invariants.ts';
import { startScenarioNetwork } from './support/network.ts';
import {
  driveSession,
  expectedClearing,
  planSession,
  SESSION_SECONDS,
  seededRandom,
} from './support/random-session.ts';

const SESSIONS = 200;
/** Sessions run side by side, each with its own customer; then the clock jumps past their timers. */
const BATCH_SIZE = 8;
const CREDIT_MINOR = 10_000_000n;
const TEST_TIMEOUT_MS = 110_000;

describe(`random trading sessions over HTTP (${testDatabaseEngine()})`, () => {
  let network: LocalNetwork;
  let customers: PartyCredentials[];
  beforeAll(async () => {
    network = await startScenarioNetwork();
    customers = [];
    for (let i = 0; i < BATCH_SIZE; i++) customers.push(await network.newCustomer(CREDIT_MINOR));
  });
  afterAll(async () => {
    await network?.close();
  });

  it(
    `${SESSIONS} sessions with random deposits, purchases and stops clear by their records and balance`,
    async () => {
      const seed = Number(process.env.TALLY_RANDOM_SEED ?? Math.floor(Math.random() * 2 ** 31));
      console.info(`random sessions: seed ${seed} (replay with TALLY_RANDOM_SEED=${seed})`);
      const random = seededRandom(seed);
      const merchantBefore = await merchantPosted(network);
      const cleared: TransactionReport[] = [];
      for (let done = 0; done < SESSIONS; done += BATCH_SIZE) {
        const plans = customers.map(() => planSession(random));
        const contexts = customers.map((customer) => new DemoContext(network, customer, QUIET));
        await Promise.all(contexts.map((ctx, i) => driveSession(ctx, plans[i] ?? planSession(random))));
        // Whatever nobody stopped, the timer clears: jump past it and sweep instead of waiting.
        network.clock.advance((SESSION_SECONDS + 1) * 1000);
        await network.sweep();
        for (const [i, ctx] of contexts.entries()) {
          await ctx.waitCleared();
          expect(ctx.terminateFailures).toEqual([]);
          const where = `seed ${seed}, session ${done + i + 1}, plan ${JSON.stringify(plans[i], bigints)}`;
          for (const info of ctx.sessions.flatMap((s) => s.transactions())) {
            const report = transactionReport(await ctx.wallet.getTransaction(info.transactionId), []);
            expectClearedConsistently(report);
            const { outcome, reason, clearedMerchantMinor } = report;
            expect({ outcome, reason, clearedMerchantMinor }, where).toEqual(
              await expectedClearing(network, info),
            );
            cleared.push(report);
          }
        }
      }
      await expectBooksBalanced(network);
      await expectTotals(network, customers, cleared, merchantBefore);
      expect(cleared.length).toBeGreaterThanOrEqual(SESSIONS);
      // The plans reached every common way a session clears, or the test proved less than it says.
      const ways = new Set(cleared.map((tx) => `${tx.outcome}/${tx.reason}`));
      for (const way of [
        'agreed/records_match',
        'customer_vouchers/records_differ',
        'customer_vouchers/customer_record_missing',
        'customer_vouchers/merchant_record_missing',
        'nothing_claimed/records_missing',
      ]) {
        expect(ways.has(way), `seed ${seed}: no session cleared as ${way}`).toBe(true);
      }
    },
    TEST_TIMEOUT_MS,
  );
});

/** Over all sessions: customers paid what was charged, the shop got what was cleared, the operators' positions agree. */
async function expectTotals(
  network: LocalNetwork,
  customers: readonly PartyCredentials[],
  cleared: readonly TransactionReport[],
  merchantBefore: bigint,
): Promise<void> {
  const opA = network.customerOperator.node.db.kysely;
  const opB = network.merchantOperator.node.db.kysely;
  let spent = 0n;
  for (const customer of customers) {
    const balance = await balanceOf(opA, customer.accountId, 'SEK');
    expect(balance.pendingMinor).toBe(0n);
    spent += CREDIT_MINOR - balance.postedMinor;
  }
  const charged = sumOf(cleared.map((tx) => tx.clearedCustomerMinor));
  expect(spent).toBe(charged);
  expect((await merchantPosted(network)) - merchantBefore).toBe(
    cleared.reduce((sum, tx) => sum + creditedOf(tx), 0n),
  );
  expect((await balanceOf(opA, interopAccountId('op-a', 'op-b', 'SEK'), 'SEK')).postedMinor).toBe(charged);
  expect((await balanceOf(opB, interopAccountId('op-b', 'op-a', 'SEK'), 'SEK')).postedMinor).toBe(-charged);
}

async function merchantPosted(network: LocalNetwork): Promise<bigint> {
  const db = network.merchantOperator.node.db.kysely;
  return (await balanceOf(db, network.merchantCredentials.accountId, 'EUR')).postedMinor;
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? String(value) : value;
}
