import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTransferBatcher, LedgerOverloadedError } from './batcher.ts';
import { LEDGER_BATCH_MAX, type TransferInput } from './model.ts';
import { account, balances, codes, openTestLedger, single, type TestLedger } from './testing/fixtures.ts';
import { ledgerViolations } from './testing/invariants.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger({ groupCommit: { batchSizeMax: 64, lingerMs: 2 } });
  await t.ledger.createAccounts([account('p'), account('q')]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

const ok = (results: unknown) => (typeof results === 'string' ? results : codes(results as never));

describe('group commit', () => {
  it('coalesces concurrent calls into few transactions, each caller with its own results', async () => {
    const spy = vi.spyOn(t.ledger, 'createTransferGroups');
    const batcher = createTransferBatcher(t.ledger, { batchSizeMax: 64, lingerMs: 5 });
    const calls = Array.from({ length: 40 }, (_, i) =>
      batcher.createTransfers([single(`g${i}`, 'p', 'q', 1n)]),
    );
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      expect(r).toMatchObject([{ ok: true, transfer: { id: `g${i}` } }]);
    });
    expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
    expect(await balances(t.ledger, 'q')).toMatchObject({ creditsPosted: 40n });
    spy.mockRestore();
  });

  it("keeps each caller's linked chain to its own inputs", async () => {
    const [open, next, broken, bystander] = await Promise.all([
      t.ledger.createTransfers([single('ch1', 'p', 'q', 1n, { linked: true })]),
      t.ledger.createTransfers([single('ch2', 'p', 'q', 1n)]),
      t.ledger.createTransfers([
        single('ch3', 'p', 'q', 1n, { linked: true }),
        single('ch4', 'p', 'nope', 1n),
      ]),
      t.ledger.createTransfers([single('ch5', 'p', 'q', 1n)]),
    ]);
    expect([ok(open), ok(next), ok(broken), ok(bystander)]).toEqual([
      ['linked_event_chain_open'],
      ['ok'],
      ['linked_event_failed', 'credit_account_not_found'],
      ['ok'],
    ]);
  });

  it('answers call errors per call and isolates a call that throws', async () => {
    const bad = { ...single('bad-amount', 'p', 'q', 1n), amountMinor: 1 } as unknown as TransferInput;
    const [empty, thrown, fine] = await Promise.allSettled([
      t.ledger.createTransfers([]),
      t.ledger.createTransfers([bad]),
      t.ledger.createTransfers([single('fine', 'p', 'q', 1n)]),
    ]);
    expect(empty).toEqual({ status: 'fulfilled', value: 'batch_empty' });
    expect(thrown.status).toBe('rejected');
    expect(fine.status === 'fulfilled' && ok(fine.value)).toEqual(['ok']);
    const many = Array.from({ length: LEDGER_BATCH_MAX + 1 }, (_, i) => single(`m${i}`, 'p', 'q', 1n));
    expect(await t.ledger.createTransfers(many)).toBe('batch_too_large');
  });

  it('refuses calls beyond its queue limit', async () => {
    const batcher = createTransferBatcher(t.ledger, { batchSizeMax: 4, lingerMs: 50, queuedInputsMax: 3 });
    const first = batcher.createTransfers([single('qa', 'p', 'q', 1n), single('qb', 'p', 'q', 1n)]);
    await expect(
      batcher.createTransfers([single('qc', 'p', 'q', 1n), single('qd', 'p', 'q', 1n)]),
    ).rejects.toBeInstanceOf(LedgerOverloadedError);
    expect(ok(await first)).toEqual(['ok', 'ok']);
    await batcher.drain();
  });
});
