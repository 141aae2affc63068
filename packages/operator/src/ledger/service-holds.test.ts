import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expiryTransferId } from './hold-lifecycle.ts';
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
  voidHold,
} from './testing/fixtures.ts';
import { ledgerViolations } from './testing/invariants.ts';

let t: TestLedger;
beforeAll(async () => {
  t = await openTestLedger();
  await t.ledger.createAccounts([
    account('bank', { kind: 'operator_funding' }),
    account('payer', { flags: AccountFlags.debitsMustNotExceedCredits }),
    account('shop', { kind: 'merchant' }),
  ]);
  await transfers(t.ledger, [single('fund', 'bank', 'payer', 10_000n)]);
});
afterAll(async () => {
  expect(await ledgerViolations(t.db.kysely)).toEqual([]);
  await t.db.close();
});

const zero = { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };

describe('holds', () => {
  it('reserves the amount as pending on both sides', async () => {
    const [placed] = await transfers(t.ledger, [hold('h1', 'payer', 'shop', 300n, { timeoutSeconds: 60 })]);
    expect(placed).toMatchObject({
      ok: true,
      transfer: {
        kind: 'pending',
        pendingStatus: 'pending',
        timeoutSeconds: 60,
        expiresAt: new Date(t.clock.now().getTime() + 60_000),
      },
    });
    expect(await balances(t.ledger, 'payer')).toEqual({
      ...zero,
      debitsPending: 300n,
      creditsPosted: 10_000n,
    });
    expect(await balances(t.ledger, 'shop')).toEqual({ ...zero, creditsPending: 300n });
  });

  it('posts part of a hold and returns the rest', async () => {
    const [posted] = await transfers(t.ledger, [post('h1-post', 'h1', { amountMinor: 120n })]);
    expect(posted).toMatchObject({
      ok: true,
      transfer: {
        kind: 'post',
        pendingId: 'h1',
        amountMinor: 120n,
        debitAccountId: 'payer',
        creditAccountId: 'shop',
        currency: 'EUR',
        pendingStatus: null,
      },
    });
    expect(await balances(t.ledger, 'payer')).toEqual({
      ...zero,
      debitsPosted: 120n,
      creditsPosted: 10_000n,
    });
    expect(await balances(t.ledger, 'shop')).toEqual({ ...zero, creditsPosted: 120n });
    expect((await t.ledger.lookupTransfers(['h1']))[0]?.pendingStatus).toBe('posted');
  });

  it('posts all of a hold when no amount is given', async () => {
    const results = await transfers(t.ledger, [hold('h2', 'payer', 'shop', 50n), post('h2-post', 'h2')]);
    expect(results[1]).toMatchObject({ ok: true, transfer: { amountMinor: 50n } });
    expect(results[0]).toMatchObject({ ok: true, transfer: { pendingStatus: 'posted' } });
  });

  it('voids a hold: everything goes back', async () => {
    const before = await balances(t.ledger, 'payer');
    const results = await transfers(t.ledger, [hold('h3', 'payer', 'shop', 70n), voidHold('h3-void', 'h3')]);
    expect(codes(results)).toEqual(['ok', 'ok']);
    expect(results[1]).toMatchObject({ transfer: { kind: 'void', amountMinor: 70n, pendingId: 'h3' } });
    expect(await balances(t.ledger, 'payer')).toEqual(before);
  });

  it('resolves a hold exactly once', async () => {
    await transfers(t.ledger, [hold('h4', 'payer', 'shop', 10n), hold('h5', 'payer', 'shop', 10n)]);
    await transfers(t.ledger, [post('h4-post', 'h4'), voidHold('h5-void', 'h5')]);
    const results = await transfers(t.ledger, [
      post('h4-post-again', 'h4'),
      voidHold('h4-void', 'h4'),
      post('h5-post', 'h5'),
      voidHold('h5-void-again', 'h5'),
    ]);
    expect(codes(results)).toEqual([
      'pending_transfer_already_posted',
      'pending_transfer_already_posted',
      'pending_transfer_already_voided',
      'pending_transfer_already_voided',
    ]);
  });

  it('checks the hold and the amount', async () => {
    await transfers(t.ledger, [hold('h6', 'payer', 'shop', 40n)]);
    const results = await transfers(t.ledger, [
      post('r1', 'nothing'),
      post('r2', 'fund'),
      post('r3', 'h6', { amountMinor: 41n }),
      post('r4', 'h6', { amountMinor: 0n }),
      post('r5', 'h6', { amountMinor: -1n }),
      voidHold('r6', 'h6', { amountMinor: 39n }),
      voidHold('r7', 'h6', { amountMinor: 41n }),
      post('r8', 'bad id!'),
      voidHold('r9', 'h6', { amountMinor: 40n }),
    ]);
    expect(codes(results)).toEqual([
      'pending_transfer_not_found',
      'pending_transfer_not_pending',
      'exceeds_pending_transfer_amount',
      'amount_must_not_be_zero',
      'amount_must_not_be_negative',
      'pending_transfer_has_different_amount',
      'exceeds_pending_transfer_amount',
      'pending_transfer_not_found',
      'ok',
    ]);
  });

  it('replays a resolution against its input fields', async () => {
    await transfers(t.ledger, [hold('h7', 'payer', 'shop', 30n), hold('h8', 'payer', 'shop', 30n)]);
    const [first] = await transfers(t.ledger, [post('h7-post', 'h7', { code: 3 })]);
    await transfers(t.ledger, [voidHold('h8-void', 'h8')]);
    const results = await transfers(t.ledger, [
      post('h7-post', 'h7', { code: 3 }),
      post('h7-post', 'h7', { code: 3, amountMinor: 30n }),
      post('h7-post', 'h7', { code: 3, amountMinor: 29n }),
      post('h7-post', 'h8', { code: 3 }),
      voidHold('h7-post', 'h7', { code: 3 }),
      post('h7-post', 'h7'),
      post('h7-post', 'h7', { code: 3, userData: 'u' }),
      voidHold('h8-void', 'h8', { amountMinor: 0n }),
      voidHold('h8-void', 'h8', { amountMinor: 30n }),
      voidHold('h8-void', 'h8', { amountMinor: 29n }),
    ]);
    expect(results[0]).toEqual({ ...first, replayed: true });
    expect(codes(results)).toEqual([
      'replayed',
      'replayed',
      'exists_with_different_amount',
      'exists_with_different_pending_id',
      'exists_with_different_kind',
      'exists_with_different_code',
      'exists_with_different_user_data',
      'replayed',
      'replayed',
      'exists_with_different_amount',
    ]);
  });
});

describe('expiry', () => {
  it('the sweeper expires due holds with an expire journal row', async () => {
    await transfers(t.ledger, [
      hold('e1', 'payer', 'shop', 25n, { timeoutSeconds: 10 }),
      hold('e2', 'payer', 'shop', 5n),
    ]);
    const before = await balances(t.ledger, 'payer');
    t.clock.advanceSeconds(9);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 100)).toBe(0);
    t.clock.advanceSeconds(1);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 100)).toBe(1);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 100)).toBe(0);
    expect(await balances(t.ledger, 'payer')).toEqual({
      ...before,
      debitsPending: before.debitsPending - 25n,
    });
    const [held, expiry] = await t.ledger.lookupTransfers(['e1', expiryTransferId('e1')]);
    expect(held?.pendingStatus).toBe('expired');
    expect(expiry).toMatchObject({
      kind: 'expire',
      pendingId: 'e1',
      amountMinor: 25n,
      createdAt: t.clock.now(),
    });
    expect(codes(await transfers(t.ledger, [post('e1-post', 'e1'), voidHold('e2-void', 'e2')]))).toEqual([
      'pending_transfer_expired',
      'ok',
    ]);
  });

  it('a post after the deadline fails and expires the hold even before the sweeper runs', async () => {
    await transfers(t.ledger, [hold('e3', 'payer', 'shop', 8n, { timeoutSeconds: 1 })]);
    t.clock.advanceSeconds(1);
    const results = await transfers(t.ledger, [
      post('e3-post', 'e3', { linked: true }),
      single('e3-x', 'bank', 'shop', 1n),
    ]);
    // The chain fails, but the expiry (not part of it) stays.
    expect(codes(results)).toEqual(['pending_transfer_expired', 'linked_event_failed']);
    expect((await t.ledger.lookupTransfers(['e3']))[0]?.pendingStatus).toBe('expired');
    expect(await t.ledger.lookupTransfers([expiryTransferId('e3')])).toHaveLength(1);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 100)).toBe(0);
  });

  it('expires in batches of the given limit', async () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      hold(`e-many-${i}`, 'payer', 'shop', 1n, { timeoutSeconds: 5 }),
    );
    await transfers(t.ledger, many);
    t.clock.advanceSeconds(5);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 3)).toBe(3);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 3)).toBe(3);
    expect(await t.ledger.expirePendingTransfers(t.clock.now(), 3)).toBe(1);
  });
});
