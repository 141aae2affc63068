import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFlags } from './model.ts';
import { account, balances, codes, openTestLedger, single, type TestLedger } from './testing/fixtures.ts';
import { ledgerViolations } from './testing/invariants.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger();
  await t.ledger.createAccounts([account('x'), account('y')]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

describe("inside a caller's transaction", () => {
  it('commits with the caller', async () => {
    await t.db.kysely.transaction().execute(async (trx) => {
      const results = await t.ledger.createTransfers([single('in-tx', 'x', 'y', 3n)], { executor: trx });
      expect(typeof results !== 'string' && codes(results)).toEqual(['ok']);
      expect(await t.ledger.lookupAccounts(['y'], { executor: trx })).toMatchObject([
        { creditsPostedMinor: 3n },
      ]);
    });
    expect(await balances(t.ledger, 'y')).toMatchObject({ creditsPosted: 3n });
  });

  it('rolls back with the caller, accounts and transfers alike', async () => {
    const failed = t.db.kysely.transaction().execute(async (trx) => {
      await t.ledger.createAccounts([account('z')], { executor: trx });
      await t.ledger.createTransfers([single('rolled-back', 'x', 'z', 4n)], { executor: trx });
      await sql`select 1`.execute(trx);
      throw new Error('caller gives up');
    });
    await expect(failed).rejects.toThrow('caller gives up');
    expect(await t.ledger.lookupAccounts(['z'])).toEqual([]);
    expect(await t.ledger.lookupTransfers(['rolled-back'])).toEqual([]);
    expect(await balances(t.ledger, 'x')).toMatchObject({ debitsPosted: 3n });
  });

  it('runs its own transaction when handed the plain database', async () => {
    const results = await t.ledger.createTransfers([single('plain', 'x', 'y', 1n)], {
      executor: t.db.kysely,
    });
    expect(typeof results !== 'string' && codes(results)).toEqual(['ok']);
  });
});

describe('a duplicate racing its original', () => {
  it('is a replay once the original commits, even if it no longer fits the limit', async () => {
    await t.ledger.createAccounts([
      account('lim', { flags: AccountFlags.debitsMustNotExceedCredits }),
      account('src'),
    ]);
    await t.ledger.createTransfers([single('lim-fund', 'src', 'lim', 10n)]);
    const original = single('dup-race', 'lim', 'src', 10n);
    let duplicate: ReturnType<typeof t.ledger.createTransfers> | undefined;
    await t.db.kysely.transaction().execute(async (trx) => {
      const results = await t.ledger.createTransfers([original], { executor: trx });
      expect(typeof results !== 'string' && codes(results)).toEqual(['ok']);
      // The duplicate starts while the original holds the account locks, uncommitted.
      duplicate = t.ledger.createTransfers([original]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    const results = await duplicate;
    expect(typeof results !== 'string' && results && codes(results)).toEqual(['replayed']);
    expect(await balances(t.ledger, 'lim')).toMatchObject({ debitsPosted: 10n, creditsPosted: 10n });
  });
});
