import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFlags } from './model.ts';
import {
  account,
  balances,
  codes,
  hold,
  openTestLedger,
  post,
  single,
  type TestLedger,
  transfers,
} from './testing/fixtures.ts';
import { ledgerViolations } from './testing/invariants.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger();
  await t.ledger.createAccounts([
    account('bank', { kind: 'operator_funding' }),
    account('a', { flags: AccountFlags.debitsMustNotExceedCredits }),
    account('b'),
  ]);
  await transfers(t.ledger, [single('fund', 'bank', 'a', 100n)]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

describe('linked chains', () => {
  it('applies a chain whole', async () => {
    const results = await transfers(t.ledger, [
      single('c1', 'a', 'b', 10n, { linked: true }),
      hold('c2', 'a', 'b', 10n, { linked: true }),
      post('c3', 'c2'),
    ]);
    expect(codes(results)).toEqual(['ok', 'ok', 'ok']);
    expect(await balances(t.ledger, 'a')).toMatchObject({ debitsPosted: 20n, debitsPending: 0n });
  });

  it('rolls the whole chain back when one link fails, and goes on after it', async () => {
    const before = await balances(t.ledger, 'a');
    const results = await transfers(t.ledger, [
      single('ok-before', 'bank', 'b', 1n),
      single('l1', 'a', 'b', 10n, { linked: true }),
      hold('l2', 'a', 'b', 10n, { linked: true }),
      post('l3', 'l2', { linked: true }),
      single('l4', 'a', 'b', 1_000n, { linked: true }),
      single('l5', 'a', 'b', 1n),
      single('ok-after', 'bank', 'b', 1n),
    ]);
    expect(codes(results)).toEqual([
      'ok',
      'linked_event_failed',
      'linked_event_failed',
      'linked_event_failed',
      'exceeds_credits',
      'linked_event_failed',
      'ok',
    ]);
    expect(await balances(t.ledger, 'a')).toEqual(before);
    expect(
      (await t.ledger.lookupTransfers(['l1', 'l2', 'l3', 'l4', 'l5', 'ok-before', 'ok-after'])).map(
        (x) => x.id,
      ),
    ).toEqual(['ok-before', 'ok-after']);
  });

  it('fails a chain left open at the end of the batch', async () => {
    const results = await transfers(t.ledger, [
      single('o1', 'bank', 'b', 1n),
      single('o2', 'bank', 'b', 1n, { linked: true }),
      single('o3', 'bank', 'b', 1n, { linked: true }),
    ]);
    expect(codes(results)).toEqual(['ok', 'linked_event_failed', 'linked_event_chain_open']);
    expect(codes(await transfers(t.ledger, [single('o4', 'bank', 'b', 1n, { linked: true })]))).toEqual([
      'linked_event_chain_open',
    ]);
  });

  it('lets a chain depend on transfers it makes itself, including ids reused in it', async () => {
    const results = await transfers(t.ledger, [
      hold('d1', 'a', 'b', 5n, { linked: true }),
      single('d1', 'a', 'b', 5n, { linked: true }),
      post('d2', 'd1'),
    ]);
    expect(codes(results)).toEqual([
      'linked_event_failed',
      'exists_with_different_kind',
      'linked_event_failed',
    ]);
    expect(await t.ledger.lookupTransfers(['d1'])).toEqual([]);
    const replay = await transfers(t.ledger, [
      hold('d3', 'a', 'b', 5n, { linked: true }),
      hold('d3', 'a', 'b', 5n, { linked: true }),
      post('d4', 'd3'),
    ]);
    expect(codes(replay)).toEqual(['ok', 'replayed', 'ok']);
  });
});
