import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { account, balances, hold, openTestLedger, type TestLedger, transfers } from './testing/fixtures.ts';
import { ledgerViolations } from './testing/invariants.ts';
import { startExpirySweeper } from './worker.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger();
  await t.ledger.createAccounts([account('from'), account('to')]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

describe('expiry sweeper', () => {
  it('expires due holds in the background, batch after batch', async () => {
    const holds = Array.from({ length: 12 }, (_, i) =>
      hold(`s${i}`, 'from', 'to', 1n, { timeoutSeconds: 30 + (i % 2) * 60 }),
    );
    await transfers(t.ledger, holds);
    const sweeper = startExpirySweeper({ ledger: t.ledger, intervalMs: 5, batchSize: 4, clock: t.clock.now });
    try {
      t.clock.advanceSeconds(30);
      await vi.waitFor(async () =>
        expect(await balances(t.ledger, 'from')).toMatchObject({ debitsPending: 6n }),
      );
      t.clock.advanceSeconds(60);
      await vi.waitFor(async () =>
        expect(await balances(t.ledger, 'from')).toMatchObject({ debitsPending: 0n }),
      );
      const statuses = (await t.ledger.lookupTransfers(holds.map((h) => h.id))).map((x) => x.pendingStatus);
      expect(new Set(statuses)).toEqual(new Set(['expired']));
    } finally {
      await sweeper.stop();
    }
  });

  it('sweeps on demand and keeps going after a failing sweep', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const ledger = {
      expirePendingTransfers: async (now: Date, limit: number) => {
        if (fail) {
          fail = false;
          throw new Error('database went away');
        }
        return t.ledger.expirePendingTransfers(now, limit);
      },
    };
    await transfers(t.ledger, [hold('od1', 'from', 'to', 2n, { timeoutSeconds: 1 })]);
    t.clock.advanceSeconds(1);
    const sweeper = startExpirySweeper({
      ledger,
      intervalMs: 60_000,
      batchSize: 10,
      clock: t.clock.now,
      logger: { error: (fields) => errors.push(fields) },
    });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(await sweeper.sweepNow()).toBe(1);
    await sweeper.stop();
    expect((await t.ledger.lookupTransfers(['od1']))[0]?.pendingStatus).toBe('expired');
  });
});
