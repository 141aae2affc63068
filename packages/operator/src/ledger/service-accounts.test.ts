import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFlags, LEDGER_BATCH_MAX } from './model.ts';
import { account, accounts, openTestLedger, type TestLedger } from './testing/fixtures.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger();
});
afterAll(() => t.db.close());

describe('createAccounts', () => {
  it('creates accounts with zero balances and the clock as createdAt', async () => {
    const results = await accounts(t.ledger, [account('a1'), account('a2', { kind: 'merchant', flags: 1 })]);
    expect(results).toEqual([
      {
        ok: true,
        replayed: false,
        account: {
          ...account('a1'),
          debitsPendingMinor: 0n,
          debitsPostedMinor: 0n,
          creditsPendingMinor: 0n,
          creditsPostedMinor: 0n,
          createdAt: t.clock.now(),
        },
      },
      expect.objectContaining({ ok: true, replayed: false }),
    ]);
    expect(await t.ledger.lookupAccounts(['a2', 'missing', 'a1'])).toMatchObject([
      { id: 'a2' },
      { id: 'a1' },
    ]);
  });

  it('replays the same id with the same fields, refuses other fields', async () => {
    await t.ledger.createAccounts([account('r1', { flags: AccountFlags.debitsMustNotExceedCredits })]);
    const results = await accounts(t.ledger, [
      account('r1', { flags: AccountFlags.debitsMustNotExceedCredits }),
      account('r1', { currency: 'USD', flags: 1 }),
      account('r1', { kind: 'merchant', flags: 1 }),
      account('r1', { flags: 0 }),
    ]);
    expect(results.map((r) => (r.ok ? r.replayed : r.error))).toEqual([
      true,
      'exists_with_different_currency',
      'exists_with_different_kind',
      'exists_with_different_flags',
    ]);
  });

  it('meets an id repeated within one batch as existing', async () => {
    const results = await accounts(t.ledger, [account('dup'), account('dup'), account('dup', { flags: 2 })]);
    expect(results.map((r) => (r.ok ? r.replayed : r.error))).toEqual([
      false,
      true,
      'exists_with_different_flags',
    ]);
  });

  it('validates each input on its own', async () => {
    const results = await accounts(t.ledger, [
      account(''),
      account('-starts-with-dash'),
      account('x'.repeat(129)),
      account('c1', { currency: 'XXX' }),
      account('c2', { currency: 'eur' }),
      account('k1', { kind: 'nonsense' as 'customer' }),
      account('f1', { flags: 4 }),
      account('f2', { flags: -1 }),
      account('f3', { flags: 1.5 }),
      account('f4', { flags: 3 }),
      account('fine'),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual([
      'id_invalid',
      'id_invalid',
      'id_invalid',
      'currency_invalid',
      'currency_invalid',
      'kind_invalid',
      'flags_invalid',
      'flags_invalid',
      'flags_invalid',
      'flags_are_mutually_exclusive',
      'ok',
    ]);
    expect(await t.ledger.lookupAccounts(['c1', 'f4', 'fine'])).toMatchObject([{ id: 'fine' }]);
  });

  it('refuses an empty or oversized batch as a whole', async () => {
    expect(await t.ledger.createAccounts([])).toBe('batch_empty');
    const many = Array.from({ length: LEDGER_BATCH_MAX + 1 }, (_, i) => account(`big${i}`));
    expect(await t.ledger.createAccounts(many)).toBe('batch_too_large');
    expect(await t.ledger.lookupAccounts(['big0'])).toEqual([]);
  });

  it('creates a full batch in one call', async () => {
    const many = Array.from({ length: LEDGER_BATCH_MAX }, (_, i) => account(`full${i}`));
    const results = await accounts(t.ledger, many);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await t.ledger.lookupAccounts([`full${LEDGER_BATCH_MAX - 1}`])).toHaveLength(1);
  });
});
