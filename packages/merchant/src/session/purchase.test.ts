import { describe, expect, it } from 'vitest';
import { merchantFixture } from '../../test/support/merchant-fixture.ts';
import { createMemoryMerchantStore } from '../index.ts';

describe('acceptPurchase', () => {
  it('accepts vouchers in order, each with a receipt, and keeps the purchase list in step', async () => {
    const fx = await merchantFixture(createMemoryMerchantStore());
    const s = await fx.openSession({ depositMinor: 500n });
    const r1 = await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(120n, 'a'), {
      sku: 'a',
      priceMinor: 120n,
    });
    const r2 = await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(30n, 'b'));
    expect(r1).toEqual({
      ok: true,
      receipt: {
        transactionId: s.transactionId,
        seq: 1,
        amountMinor: 120n,
        cumulativeMinor: 120n,
        currency: 'EUR',
        remainingMinor: 380n,
      },
    });
    expect(r2).toMatchObject({ ok: true, receipt: { seq: 2, amountMinor: 30n, cumulativeMinor: 150n } });
    const stored = await fx.merchant.getSession(s.transactionId);
    expect(stored?.purchaseList).toEqual(s.wallet.list());
  });

  it('refuses replays, tampering, a wrong item, over-deposit and unknown sessions', async () => {
    const fx = await merchantFixture(createMemoryMerchantStore());
    const s = await fx.openSession({ depositMinor: 100n });
    const v1 = await s.wallet.pay(60n);
    expect((await fx.merchant.acceptPurchase(s.transactionId, v1)).ok).toBe(true);
    const code = async (id: string, jws: string, item?: { sku: string; priceMinor: bigint }) => {
      const r = await fx.merchant.acceptPurchase(id, jws, item);
      return r.ok ? 'ok' : r.code;
    };
    expect(await code(s.transactionId, v1)).toBe('voucher_stale_seq');
    const v2 = await s.wallet.pay(10n, 'cheap');
    expect(await code(s.transactionId, v2, { sku: 'cheap', priceMinor: 25n })).toBe('purchase_item_mismatch');
    expect(await code(s.transactionId, `${v2.slice(0, -4)}AAAA`)).toBe('voucher_signature_invalid');
    expect(await code('op-a.1.999', v2)).toBe('session_unknown');
    const other = await fx.openSession();
    expect(await code(other.transactionId, v2)).toBe('voucher_signature_invalid');
    expect(await code(s.transactionId, v2)).toBe('ok');
    expect(await code(s.transactionId, await s.wallet.pay(31n))).toBe('voucher_exceeds_deposit');
  });

  it('refuses after a terminate, and after expiry by the merchant clock', async () => {
    let nowMs = Date.now();
    const fx = await merchantFixture(createMemoryMerchantStore(), { clock: () => new Date(nowMs) });
    const s = await fx.openSession({ expiresAtMs: nowMs + 60_000 });
    const t = await fx.openSession();
    await fx.merchant.terminate(t.transactionId);
    expect(await fx.merchant.acceptPurchase(t.transactionId, await t.wallet.pay(1n))).toEqual({
      ok: false,
      code: 'session_terminated',
    });
    nowMs += 61_000;
    expect(await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(1n))).toEqual({
      ok: false,
      code: 'voucher_session_expired',
    });
  });
});
