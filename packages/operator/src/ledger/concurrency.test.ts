import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/database.ts';
import { AccountFlags, type AccountInput, type TransferInput, type TransferResult } from './model.ts';
import { createLedgerService } from './service.ts';
import { type Client, Expected, runClient, seededRandom } from './testing/concurrent-clients.ts';
import { ledgerViolations } from './testing/invariants.ts';
import { startExpirySweeper } from './worker.ts';

/**
 * Many clients at once on a few hot accounts, through the real service: on
 * PostgreSQL real parallel connections (locks, deadlock-free ordering,
 * retries on duplicate ids), on PGlite interleaved async calls. Half the
 * clients go through group commit, a sweeper expires short holds meanwhile,
 * and clients race each other to resolve shared holds and to create shared
 * ids. At the end every balance must equal what the successful results say,
 * and the invariants (journal replay included) must hold.
 */

const CLIENTS = 16;
const CALLS_PER_CLIENT = 320;
const SHARED_HOLDS = 200;
const SEED = Number(process.env.CONCURRENCY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HOT: AccountInput[] = [
  { id: 'funding', currency: 'EUR', kind: 'operator_funding', flags: 0 },
  ...[1, 2, 3, 4, 5].map((i) => ({
    id: `limited${i}`,
    currency: 'EUR',
    kind: 'customer' as const,
    flags: AccountFlags.debitsMustNotExceedCredits,
  })),
  ...[1, 2].map((i) => ({
    id: `line${i}`,
    currency: 'EUR',
    kind: 'operator_credit_line' as const,
    flags: AccountFlags.creditsMustNotExceedDebits,
  })),
  { id: 'fees', currency: 'EUR', kind: 'operator_fees', flags: 0 },
  { id: 'liquidity', currency: 'EUR', kind: 'operator_liquidity', flags: 0 },
];
const IDS = HOT.map((a) => a.id);

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

it('keeps every invariant under many concurrent clients on hot accounts', async () => {
  console.log(`concurrency ledger test: CONCURRENCY_SEED=${SEED}`);
  const retries = new Map<string, number>();
  const onRetry = (error: unknown) => {
    const code = String((error as { code?: unknown }).code);
    retries.set(code, (retries.get(code) ?? 0) + 1);
  };
  const direct = createLedgerService({ db, onRetry });
  const grouped = createLedgerService({ db, onRetry, groupCommit: { batchSizeMax: 256, lingerMs: 0 } });
  const expected = new Expected(IDS);
  await direct.createAccounts(HOT);
  const setup: TransferInput[] = [1, 2, 3, 4, 5].map((i) => ({
    id: `fund${i}`,
    kind: 'single',
    debitAccountId: 'funding',
    creditAccountId: `limited${i}`,
    amountMinor: 400n,
    currency: 'EUR',
  }));
  for (let k = 0; k < SHARED_HOLDS; k++) {
    const [debitAccountId, creditAccountId] = k % 2 ? ['funding', 'fees'] : ['liquidity', 'funding'];
    setup.push({
      id: `shared-hold-${k}`,
      kind: 'pending',
      debitAccountId,
      creditAccountId,
      amountMinor: 5n,
      currency: 'EUR',
    });
  }
  for (const result of (await direct.createTransfers(setup)) as readonly TransferResult[]) {
    if (!result.ok) throw new Error(`setup failed: ${result.error}`);
    expected.apply(result.transfer);
  }
  const sweeper = startExpirySweeper({ ledger: direct, intervalMs: 20, batchSize: 100 });
  const rnd = seededRandom(SEED);
  const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => ({
    name: `c${i}`,
    accountIds: IDS,
    sharedHolds: SHARED_HOLDS,
    calls: CALLS_PER_CLIENT,
    ledger: i % 2 ? grouped : direct,
    rnd: seededRandom(Math.floor(rnd() * 2 ** 31)),
    openHolds: [],
    sent: [],
    n: 0,
  }));
  const sharedOk = new Set<string>();
  const started = performance.now();
  const counts = await Promise.all(clients.map((c) => runClient(c, expected, sharedOk)));
  await sweeper.stop();
  const seconds = (performance.now() - started) / 1000;
  const total = counts.reduce((a, b) => a + b, 0);
  console.log(
    `${total} transfer inputs from ${CLIENTS} clients in ${seconds.toFixed(1)} s, ${expected.applied} applied,`,
    `retries by SQLSTATE: ${JSON.stringify(Object.fromEntries(retries))}`,
  );
  expect(total).toBeGreaterThanOrEqual(5_000);

  // Holds the sweeper (or a late post/void) expired went back in full.
  const holdIds = [...expected.holdAmounts.keys()];
  for (let i = 0; i < holdIds.length; i += 5_000) {
    expected.releaseExpired(await direct.lookupTransfers(holdIds.slice(i, i + 5_000)));
  }
  const actual = await direct.lookupAccounts(IDS);
  expect(
    actual.map((a) => [
      a.id,
      a.debitsPendingMinor,
      a.debitsPostedMinor,
      a.creditsPendingMinor,
      a.creditsPostedMinor,
    ]),
  ).toEqual(
    IDS.map((id) => {
      const b = expected.balances.get(id);
      return [id, b?.dp, b?.dpo, b?.cp, b?.cpo];
    }),
  );
  expect(sharedOk.size).toBeGreaterThan(0);
  expect(await ledgerViolations(db.kysely)).toEqual([]);
});

it('applies each id once when many clients race to send the same transfers', async () => {
  let retried = 0;
  const ledger = createLedgerService({ db, onRetry: () => retried++ });
  await ledger.createAccounts([
    { id: 'race-a', currency: 'EUR', kind: 'customer', flags: 0 },
    { id: 'race-b', currency: 'EUR', kind: 'customer', flags: 0 },
  ]);
  const inputs: TransferInput[] = Array.from({ length: 40 }, (_, i) => ({
    id: `race-${i}`,
    kind: 'single',
    debitAccountId: i % 2 ? 'race-a' : 'race-b',
    creditAccountId: i % 2 ? 'race-b' : 'race-a',
    amountMinor: BigInt(i + 1),
    currency: 'EUR',
  }));
  const rnd = seededRandom(SEED);
  const outcomes = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const mine = [...inputs].sort(() => rnd() - 0.5).slice(0, 10);
      const results = (await ledger.createTransfers(mine)) as readonly TransferResult[];
      return results.map((r) => (r.ok ? (r.replayed ? 'replayed' : `applied:${r.transfer.id}`) : r.error));
    }),
  );
  const applied = outcomes.flat().filter((o) => o.startsWith('applied:'));
  expect(new Set(applied).size).toBe(applied.length);
  expect(outcomes.flat().every((o) => o === 'replayed' || o.startsWith('applied:'))).toBe(true);
  console.log(`id race: ${applied.length} applied once each, ${retried} transactions retried`);
  expect(await ledgerViolations(db.kysely)).toEqual([]);
});
