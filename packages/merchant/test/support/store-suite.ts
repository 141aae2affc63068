import {
  appendPurchase,
  generatePseudonym,
  generateSigningKey,
  startPurchaseList,
} from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedVoucher, MerchantSession } from '../../src/index.ts';
import { TEST_RATE } from './fake-network.ts';
import { merchantFixture } from './merchant-fixture.ts';
import type { TestStore } from './stores.ts';

let ids = 0;
async function session(overrides: Partial<MerchantSession> = {}): Promise<MerchantSession> {
  const transactionId = overrides.transactionId ?? `op-a.9.${++ids}`;
  const key = await generateSigningKey();
  return {
    transactionId,
    merchantId: 'shop-1',
    pseudonym: generatePseudonym(),
    sessionKeyJwk: key.publicJwk as MerchantSession['sessionKeyJwk'],
    depositMinor: 1_000n,
    currency: 'EUR',
    rate: TEST_RATE,
    offerId: 'articles',
    expiresAtMs: Date.UTC(2030, 0, 1),
    seq: 0,
    cumulativeMinor: 0n,
    purchaseList: await startPurchaseList(transactionId),
    status: 'open',
    informationJws: 'a.b.c',
    merchantAckJws: 'd.e.f',
    createdAtMs: 1_700_000_000_000,
    ...overrides,
  };
}

async function voucherAfter(s: MerchantSession, priceMinor: bigint, sku = 'sku'): Promise<AcceptedVoucher> {
  const item = { sku, description: `d-${sku}`, priceMinor, atMs: 1_700_000_000_123 };
  const list = await appendPurchase(s.purchaseList, { seq: s.purchaseList.count + 1, ...item });
  if (typeof list === 'string') throw new Error(list);
  return {
    seq: s.seq + 1,
    cumulativeMinor: list.totalMinor,
    amountMinor: priceMinor,
    purchaseList: list,
    jws: `v.${sku}.${s.seq + 1}`,
    item,
    acceptedAtMs: 1_700_000_000_456,
  };
}

const cursor = (s: MerchantSession) => ({ seq: s.seq, cumulativeMinor: s.cumulativeMinor });

/** The contract every MerchantStore keeps; run against each implementation. */
export function describeMerchantStore(open: () => Promise<TestStore>): void {
  let t: TestStore;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(() => t?.close());

  describe('sessions', () => {
    it('round-trips a session exactly (bigints, rate, key, purchase list)', async () => {
      const s = await session();
      const { created, session: stored } = await t.store.insertSession(s);
      expect(created).toBe(true);
      expect(stored).toEqual(s);
      expect(await t.store.getSession(s.transactionId)).toEqual(s);
      expect(await t.store.getSession('op-a.9.999999')).toBeUndefined();
    });

    it('keeps the first session for a transaction id', async () => {
      const s = await session();
      await t.store.insertSession(s);
      const again = await t.store.insertSession({ ...s, merchantAckJws: 'other.ack.jws' });
      expect(again.created).toBe(false);
      expect(again.session.merchantAckJws).toBe('d.e.f');
    });
  });

  describe('acceptVoucher (compare-and-swap)', () => {
    it('accepts at the expected state and refuses a stale one', async () => {
      const s = await session();
      await t.store.insertSession(s);
      const v1 = await voucherAfter(s, 120n);
      expect(await t.store.acceptVoucher(s.transactionId, cursor(s), v1)).toBe('accepted');
      expect(await t.store.acceptVoucher(s.transactionId, cursor(s), v1)).toBe('stale');
      const after = await t.store.getSession(s.transactionId);
      expect(after).toMatchObject({
        seq: 1,
        cumulativeMinor: 120n,
        lastVoucher: v1.jws,
        purchaseList: v1.purchaseList,
      });
      expect(await t.store.acceptVoucher(s.transactionId, { seq: 1, cumulativeMinor: 999n }, v1)).toBe(
        'stale',
      );
      expect(await t.store.acceptVoucher('op-a.9.888888', cursor(s), v1)).toBe('unknown');
    });

    it('lets exactly one of 20 concurrent vouchers win one seq', async () => {
      const s = await session();
      await t.store.insertSession(s);
      const candidates = await Promise.all(
        Array.from({ length: 20 }, (_, i) => voucherAfter(s, BigInt(10 + i), `c${i}`)),
      );
      const outcomes = await Promise.all(
        candidates.map((v) => t.store.acceptVoucher(s.transactionId, cursor(s), v)),
      );
      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'stale')).toHaveLength(19);
      const winner = candidates[outcomes.indexOf('accepted')];
      expect((await t.store.getSession(s.transactionId))?.lastVoucher).toBe(winner?.jws);
      expect(await t.store.listVouchers(s.transactionId)).toEqual([winner]);
    });

    it('lists accepted vouchers by seq with their items', async () => {
      let s = await session();
      await t.store.insertSession(s);
      const accepted: AcceptedVoucher[] = [];
      for (const price of [5n, 7n, 11n]) {
        const v = await voucherAfter(s, price, `p${price}`);
        expect(await t.store.acceptVoucher(s.transactionId, cursor(s), v)).toBe('accepted');
        accepted.push(v);
        s = (await t.store.getSession(s.transactionId)) as MerchantSession;
      }
      expect(await t.store.listVouchers(s.transactionId)).toEqual(accepted);
      expect(s.cumulativeMinor).toBe(23n);
    });
  });

  describe('terminate and record', () => {
    it('terminates once, refuses vouchers afterwards, and honours expectedSeq', async () => {
      const s = await session();
      await t.store.insertSession(s);
      const first = {
        by: 'customer' as const,
        reason: 'customer_stop' as const,
        jws: 't.1.x',
        lastSeq: 0,
        atMs: 1,
      };
      expect(await t.store.terminate(s.transactionId, first, 5)).toMatchObject({ status: 'open' });
      expect(await t.store.terminate(s.transactionId, first, 0)).toMatchObject({
        status: 'terminated',
        termination: first,
      });
      const second = { ...first, by: 'merchant' as const, reason: 'merchant_stop' as const, jws: 't.2.x' };
      expect((await t.store.terminate(s.transactionId, second))?.termination).toEqual(first);
      expect(await t.store.acceptVoucher(s.transactionId, cursor(s), await voucherAfter(s, 1n))).toBe(
        'terminated',
      );
      expect(await t.store.terminate('op-a.9.777777', first)).toBeUndefined();
    });

    it('keeps the first record and notes the MTA answer', async () => {
      const s = await session();
      await t.store.insertSession(s);
      expect(await t.store.saveRecord(s.transactionId, 'r.1.x')).toBe('r.1.x');
      expect(await t.store.saveRecord(s.transactionId, 'r.2.x')).toBe('r.1.x');
      await t.store.markRecordSubmitted(s.transactionId, 'received', 42);
      expect((await t.store.getSession(s.transactionId))?.record).toEqual({
        jws: 'r.1.x',
        status: 'received',
        submittedAtMs: 42,
      });
    });
  });

  describe('listAwaitingRecord', () => {
    it("lists one merchant's sessions without an accepted record expiring in a window, soonest first, bounded", async () => {
      const merchantId = `shop-exp-${++ids}`;
      const at = (expiresAtMs: number, overrides: Partial<MerchantSession> = {}) =>
        session({ merchantId, expiresAtMs, ...overrides });
      const base = Date.UTC(2031, 0, 1);
      const late = await at(base + 3_000);
      const soon = await at(base + 1_000);
      const tie = ++ids;
      const tieB = await at(base + 2_000, { transactionId: `op-a.9.${tie}2` });
      const tieA = await at(base + 2_000, { transactionId: `op-a.9.${tie}1` });
      const justExpired = await at(base - 1_000);
      const longExpired = await at(base - 60_000); // before fromMs: excluded
      const atLimit = await at(base + 5_000); // not before beforeMs: excluded
      const terminated = await at(base + 500); // terminated, record not accepted: still listed
      const recorded = await at(base + 600); // record accepted by the MTA: excluded
      const unsent = await at(base + 700); // record signed, never accepted: listed (sent again)
      const otherMerchant = await session({ merchantId: `${merchantId}-other`, expiresAtMs: base });
      for (const s of [
        late,
        soon,
        tieB,
        tieA,
        justExpired,
        longExpired,
        atLimit,
        terminated,
        recorded,
        unsent,
        otherMerchant,
      ])
        await t.store.insertSession(s);
      const termination = {
        by: 'merchant' as const,
        reason: 'merchant_stop' as const,
        jws: 't.x.y',
        lastSeq: 0,
        atMs: 1,
      };
      await t.store.terminate(terminated.transactionId, termination);
      await t.store.terminate(recorded.transactionId, termination);
      await t.store.saveRecord(recorded.transactionId, 'r.x.y');
      await t.store.markRecordSubmitted(recorded.transactionId, 'recorded', 2);
      await t.store.terminate(unsent.transactionId, termination);
      await t.store.saveRecord(unsent.transactionId, 'u.x.y');

      const listed = async (limit: number) =>
        (await t.store.listAwaitingRecord(merchantId, base - 30_000, base + 5_000, limit)).map(
          (s) => s.transactionId,
        );
      expect(await listed(10)).toEqual(
        [justExpired, terminated, unsent, soon, tieA, tieB, late].map((s) => s.transactionId),
      );
      expect(await listed(2)).toEqual([justExpired, terminated].map((s) => s.transactionId));
      expect(await t.store.listAwaitingRecord(merchantId, base - 90_000, base - 60_000, 10)).toEqual([]);
      const [first] = await t.store.listAwaitingRecord(merchantId, base - 30_000, base + 5_000, 1);
      expect(first).toEqual(justExpired);
    });
  });

  describe('through the merchant SDK', () => {
    it('20 concurrent acceptPurchase calls with the same seq: exactly one wins', async () => {
      const fx = await merchantFixture(t.store);
      const s = await fx.openSession();
      const vouchers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.wallet.candidate(BigInt(i + 1), `race-${i}`)),
      );
      const results = await Promise.all(vouchers.map((v) => fx.merchant.acceptPurchase(s.transactionId, v)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(
        Array(19).fill('voucher_stale_seq'),
      );
      expect((await fx.merchant.getSession(s.transactionId))?.seq).toBe(1);
    });
  });
}
