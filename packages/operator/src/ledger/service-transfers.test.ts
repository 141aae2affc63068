import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountFlags, AMOUNT_MAX_MINOR, LEDGER_BATCH_MAX } from './model.ts';
import {
  account,
  balances,
  codes,
  hold,
  openTestLedger,
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
    account('alice', { flags: AccountFlags.debitsMustNotExceedCredits }),
    account('bob', { flags: AccountFlags.debitsMustNotExceedCredits }),
    account('line', { kind: 'operator_credit_line', flags: AccountFlags.creditsMustNotExceedDebits }),
    account('usd', { currency: 'USD' }),
    account('big1'),
    account('big2'),
  ]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

describe('single transfers', () => {
  it('posts at once and returns the stored transfer', async () => {
    const [result] = await transfers(t.ledger, [
      single('fund-a', 'bank', 'alice', 1_000n, { code: 7, userData: 'x' }),
    ]);
    expect(result).toEqual({
      ok: true,
      replayed: false,
      transfer: {
        id: 'fund-a',
        kind: 'single',
        debitAccountId: 'bank',
        creditAccountId: 'alice',
        amountMinor: 1_000n,
        currency: 'EUR',
        linked: false,
        pendingId: null,
        timeoutSeconds: 0,
        expiresAt: null,
        pendingStatus: null,
        code: 7,
        userData: 'x',
        seq: expect.any(BigInt),
        createdAt: t.clock.now(),
      },
    });
    expect(await balances(t.ledger, 'alice')).toEqual({
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 1_000n,
    });
    expect(await balances(t.ledger, 'bank')).toMatchObject({ debitsPosted: 1_000n });
  });

  it('refuses what a limited account cannot cover, pending included', async () => {
    const results = await transfers(t.ledger, [
      hold('a-hold', 'alice', 'bob', 600n),
      single('a-too-much', 'alice', 'bob', 401n),
      single('a-exact', 'alice', 'bob', 400n),
      single('b-over', 'bob', 'alice', 401n),
    ]);
    // bob has 400 posted; 600 more is only pending, so it does not count for him yet.
    expect(codes(results)).toEqual(['ok', 'exceeds_credits', 'ok', 'exceeds_credits']);
    expect(await balances(t.ledger, 'alice')).toEqual({
      debitsPending: 600n,
      debitsPosted: 400n,
      creditsPending: 0n,
      creditsPosted: 1_000n,
    });
  });

  it('keeps a credits-limited account within its debits', async () => {
    const results = await transfers(t.ledger, [
      single('line-1', 'bank', 'line', 1n),
      single('line-2', 'line', 'bank', 50n),
      single('line-3', 'bank', 'line', 50n),
      hold('line-4', 'bank', 'line', 1n),
    ]);
    expect(codes(results)).toEqual(['exceeds_debits', 'ok', 'ok', 'exceeds_debits']);
  });

  it('reports missing accounts and currency mismatches', async () => {
    const results = await transfers(t.ledger, [
      single('m1', 'nobody', 'alice', 1n),
      single('m2', 'bank', 'nobody', 1n),
      single('m3', 'bank', 'usd', 1n),
      single('m4', 'bank', 'alice', 1n, { currency: 'USD' }),
      single('m5', 'bank', 'alice', 1n, { debitAccountId: '!!' }),
    ]);
    expect(codes(results)).toEqual([
      'debit_account_not_found',
      'credit_account_not_found',
      'currency_mismatch',
      'currency_mismatch',
      'debit_account_not_found',
    ]);
  });

  it('validates inputs before anything else', async () => {
    const results = await transfers(t.ledger, [
      single('bad id', 'bank', 'alice', 1n),
      single('z0', 'bank', 'alice', 0n),
      single('z1', 'bank', 'alice', -1n),
      single('z2', 'bank', 'alice', AMOUNT_MAX_MINOR + 1n),
      single('z3', 'bank', 'alice', 1n, { currency: 'ABC' }),
      single('z4', 'bank', 'bank', 1n),
      single('z5', 'bank', 'alice', 1n, { timeoutSeconds: 5 }),
      hold('z6', 'bank', 'alice', 1n, { timeoutSeconds: -1 }),
      hold('z7', 'bank', 'alice', 1n, { timeoutSeconds: 31 * 24 * 3600 + 1 }),
      hold('z8', 'bank', 'alice', 1n, { timeoutSeconds: 1.5 }),
      single('z9', 'bank', 'alice', 1n, { code: -1 }),
      single('z10', 'bank', 'alice', 1n, { code: 2 ** 31 }),
      single('z11', 'bank', 'alice', 1n, { userData: 'u'.repeat(513) }),
      single('z12', 'bank', 'alice', 1n, { userData: 'nul\0byte' }),
    ]);
    expect(codes(results)).toEqual([
      'id_invalid',
      'amount_must_not_be_zero',
      'amount_must_not_be_negative',
      'amount_overflow',
      'currency_invalid',
      'accounts_must_be_different',
      'timeout_reserved_for_pending_transfer',
      'timeout_invalid',
      'timeout_invalid',
      'timeout_invalid',
      'code_invalid',
      'code_invalid',
      'user_data_invalid',
      'user_data_invalid',
    ]);
  });

  it('refuses balances that would overflow a bigint, pending included', async () => {
    const results = await transfers(t.ledger, [
      single('o1', 'big1', 'big2', AMOUNT_MAX_MINOR),
      single('o2', 'big1', 'big2', 1n),
      single('o3', 'big2', 'bank', 1n),
      hold('o4', 'bank', 'big2', 1n),
      single('o5', 'big2', 'big1', AMOUNT_MAX_MINOR),
      single('o6', 'big2', 'big1', AMOUNT_MAX_MINOR - 1n),
    ]);
    expect(codes(results)).toEqual([
      'ok',
      'overflows_debits',
      'ok',
      'overflows_credits',
      'overflows_debits',
      'ok',
    ]);
    expect(await balances(t.ledger, 'big1')).toEqual({
      debitsPending: 0n,
      debitsPosted: AMOUNT_MAX_MINOR,
      creditsPending: 0n,
      creditsPosted: AMOUNT_MAX_MINOR - 1n,
    });
  });
});

describe('idempotency', () => {
  it('replays the same id and fields as the original, without moving money again', async () => {
    const input = single('idem-1', 'bank', 'alice', 5n, { code: 1, userData: 'ref' });
    const [first] = await transfers(t.ledger, [input]);
    const before = await balances(t.ledger, 'alice');
    const [again, inBatch] = await transfers(t.ledger, [input, input]);
    expect(again).toEqual({ ...first, replayed: true });
    expect(inBatch).toEqual({ ...first, replayed: true });
    expect(await balances(t.ledger, 'alice')).toEqual(before);
  });

  it('names the first field that differs', async () => {
    const base = single('idem-2', 'bank', 'alice', 5n, { code: 1, userData: 'ref' });
    await transfers(t.ledger, [base]);
    const results = await transfers(t.ledger, [
      { ...base, kind: 'pending' },
      { ...base, debitAccountId: 'bob' },
      { ...base, creditAccountId: 'bob' },
      { ...base, amountMinor: 6n },
      { ...base, currency: 'USD' },
      { ...base, linked: true },
      single('idem-2b', 'bank', 'alice', 1n),
      single('idem-2', 'bank', 'alice', 5n, { userData: 'ref' }),
      single('idem-2', 'bank', 'alice', 5n, { code: 1 }),
      { id: 'idem-2', kind: 'post', pendingId: 'x' },
    ]);
    expect(codes(results)).toEqual([
      'exists_with_different_kind',
      'exists_with_different_debit_account_id',
      'exists_with_different_credit_account_id',
      'exists_with_different_amount',
      'exists_with_different_currency',
      'exists_with_different_linked',
      'linked_event_failed',
      'exists_with_different_code',
      'exists_with_different_user_data',
      'exists_with_different_kind',
    ]);
    const [timeout] = await transfers(t.ledger, [
      hold('idem-3', 'bank', 'alice', 1n, { timeoutSeconds: 60 }),
    ]);
    expect(timeout?.ok).toBe(true);
    expect(codes(await transfers(t.ledger, [hold('idem-3', 'bank', 'alice', 1n)]))).toEqual([
      'exists_with_different_timeout',
    ]);
  });

  it('lets a failed id be used again: failures are not stored', async () => {
    expect(codes(await transfers(t.ledger, [single('retry-me', 'bob', 'alice', 1_000_000n)]))).toEqual([
      'exceeds_credits',
    ]);
    expect(codes(await transfers(t.ledger, [single('retry-me', 'bank', 'alice', 1n)]))).toEqual(['ok']);
  });
});

describe('calls', () => {
  it('refuses an empty or oversized batch as a whole', async () => {
    expect(await t.ledger.createTransfers([])).toBe('batch_empty');
    const many = Array.from({ length: LEDGER_BATCH_MAX + 1 }, (_, i) =>
      single(`many${i}`, 'bank', 'alice', 1n),
    );
    expect(await t.ledger.createTransfers(many)).toBe('batch_too_large');
    expect(await t.ledger.lookupTransfers(['many0'])).toEqual([]);
  });

  it('applies a full batch, one result per input in order', async () => {
    const inputs = Array.from({ length: LEDGER_BATCH_MAX }, (_, i) =>
      single(`full${i}`, i % 2 ? 'bank' : 'big1', i % 3 ? 'alice' : 'bob', 1n),
    );
    const results = await transfers(t.ledger, inputs);
    expect(results.map((r) => (r.ok ? r.transfer.id : r.id))).toEqual(inputs.map((i) => i.id));
    expect(codes(results).filter((c) => c !== 'ok')).toEqual(
      inputs.filter((i) => i.debitAccountId === 'big1').map(() => 'overflows_debits'),
    );
    const seqs = results.flatMap((r) => (r.ok ? [r.transfer.seq] : []));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
  });

  it('looks transfers up in request order and pages an account newest first', async () => {
    expect((await t.ledger.lookupTransfers(['idem-1', 'nope', 'fund-a'])).map((x) => x.id)).toEqual([
      'idem-1',
      'fund-a',
    ]);
    const page1 = await t.ledger.listAccountTransfers('line', { limit: 1 });
    expect(page1.map((x) => x.id)).toEqual(['line-3']);
    const page2 = await t.ledger.listAccountTransfers('line', {
      limit: 10,
      beforeSeq: page1[0]?.seq as bigint,
    });
    expect(page2.map((x) => x.id)).toEqual(['line-2']);
  });
});
