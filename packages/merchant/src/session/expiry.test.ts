import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/eventually.ts';
import { merchantFixture } from '../../test/support/merchant-fixture.ts';
import { createMemoryMerchantStore, EXPIRY_GUARD_WITHIN_MS, MerchantError } from '../index.ts';
import { EXPIRY_GUARD_CLOCK_SKEW_MS } from '../limits.ts';
import type { CloseExpiringResult } from './expiry.ts';
import { startExpiryGuard } from './expiry-guard.ts';

/** An MTA that keeps the records it is sent and answers from a script (default: 202 received). */
function mtaStub(script: Response[] = []) {
  const records = new Map<string, string>();
  const handler = async (request: Request): Promise<Response> => {
    const id = /\/v1\/mta\/transactions\/([^/]+)\/merchant-record$/.exec(new URL(request.url).pathname)?.[1];
    const body = (await request.json()) as { record: string };
    const next = script.shift();
    if (next) return next;
    if (id) records.set(id, body.record);
    return Response.json({ status: 'recorded' }, { status: 202 });
  };
  return { handler, records };
}

const refusal = (code: string, status = 409) =>
  Response.json({ error: { code, message: code }, requestId: 'req-1' }, { status });

describe('closeExpiring', () => {
  it('terminates and records the sessions expiring within the margin, soonest first', async () => {
    const nowMs = Date.now();
    const mta = mtaStub();
    const fx = await merchantFixture(createMemoryMerchantStore(), {
      mta: mta.handler,
      clock: () => new Date(nowMs),
    });
    const paid = await fx.openSession({ expiresAtMs: nowMs + 30_000 });
    await fx.merchant.acceptPurchase(paid.transactionId, await paid.wallet.pay(120n));
    await fx.merchant.acceptPurchase(paid.transactionId, await paid.wallet.pay(30n));
    const empty = await fx.openSession({ expiresAtMs: nowMs + 20_000 });
    const later = await fx.openSession({ expiresAtMs: nowMs + 600_000 });
    const stopped = await fx.openSession({ expiresAtMs: nowMs + 10_000 });
    // Terminated by the application, which never sent its record: the guard sends it.
    await fx.merchant.terminate(stopped.transactionId);

    const result = await fx.merchant.closeExpiring({ withinMs: 60_000 });

    const due = [stopped, empty, paid].map((x) => x.transactionId);
    expect(result).toEqual({ closed: due, failed: [] });
    expect([...mta.records.keys()]).toEqual(due);
    expect(await fx.merchant.getSession(paid.transactionId)).toMatchObject({
      status: 'terminated',
      termination: { by: 'merchant', reason: 'merchant_stop', lastSeq: 2 },
      purchaseList: { count: 2, totalMinor: 150n },
      record: { jws: mta.records.get(paid.transactionId), status: 'recorded' },
    });
    expect((await fx.merchant.getSession(empty.transactionId))?.purchaseList.count).toBe(0);
    expect((await fx.merchant.getSession(later.transactionId))?.status).toBe('open');
    expect(await fx.merchant.acceptPurchase(paid.transactionId, await paid.wallet.pay(1n))).toEqual({
      ok: false,
      code: 'session_terminated',
    });
    expect(await fx.merchant.closeExpiring({ withinMs: 60_000 })).toEqual({ closed: [], failed: [] });
  });

  it('reports a failing session with its code and still closes the others', async () => {
    const nowMs = Date.now();
    const mta = mtaStub([refusal('transaction_cleared')]);
    const fx = await merchantFixture(createMemoryMerchantStore(), {
      mta: mta.handler,
      clock: () => new Date(nowMs),
    });
    const first = await fx.openSession({ expiresAtMs: nowMs + 1_000 });
    const second = await fx.openSession({ expiresAtMs: nowMs + 2_000 });
    await fx.merchant.acceptPurchase(second.transactionId, await second.wallet.pay(40n));

    const result = await fx.merchant.closeExpiring({ withinMs: 5_000 });

    expect(result).toEqual({
      closed: [second.transactionId],
      failed: [{ transactionId: first.transactionId, code: 'transaction_cleared' }],
    });
    // Terminated even though its record was refused: no purchase after the merchant gave up on it.
    expect((await fx.merchant.getSession(first.transactionId))?.status).toBe('terminated');
    // The record did not get through: the next pass sends the same signed record again, once.
    const refusedRecord = (await fx.merchant.getSession(first.transactionId))?.record?.jws;
    expect(await fx.merchant.closeExpiring({ withinMs: 5_000 })).toEqual({
      closed: [first.transactionId],
      failed: [],
    });
    expect(mta.records.get(first.transactionId)).toBe(refusedRecord);
    expect(await fx.merchant.closeExpiring({ withinMs: 5_000 })).toEqual({ closed: [], failed: [] });
  });

  it('leaves a session alone once it expired longer ago than the clock skew: the MTA has cleared it', async () => {
    let nowMs = Date.now();
    const mta = mtaStub();
    const fx = await merchantFixture(createMemoryMerchantStore(), {
      mta: mta.handler,
      clock: () => new Date(nowMs),
    });
    const expiresAtMs = nowMs + 1_000;
    await fx.openSession({ expiresAtMs: expiresAtMs - 1 });
    const recent = await fx.openSession({ expiresAtMs });
    nowMs = expiresAtMs + EXPIRY_GUARD_CLOCK_SKEW_MS; // the first is now 1 ms past the allowance
    expect(await fx.merchant.closeExpiring({ withinMs: 0 })).toEqual({
      closed: [recent.transactionId],
      failed: [],
    });
  });

  it('takes the default margin and a bounded limit, and refuses bad options', async () => {
    const nowMs = Date.now();
    const fx = await merchantFixture(createMemoryMerchantStore(), {
      mta: mtaStub().handler,
      clock: () => new Date(nowMs),
    });
    const inside = await fx.openSession({ expiresAtMs: nowMs + EXPIRY_GUARD_WITHIN_MS - 1 });
    const inside2 = await fx.openSession({ expiresAtMs: nowMs + EXPIRY_GUARD_WITHIN_MS - 2 });
    await fx.openSession({ expiresAtMs: nowMs + EXPIRY_GUARD_WITHIN_MS + 1_000 });
    expect((await fx.merchant.closeExpiring({ limit: 1 })).closed).toEqual([inside2.transactionId]);
    expect((await fx.merchant.closeExpiring()).closed).toEqual([inside.transactionId]);
    for (const bad of [{ withinMs: -1 }, { withinMs: 1.5 }, { limit: 0 }, { limit: 1_000_000 }]) {
      await expect(fx.merchant.closeExpiring(bad)).rejects.toMatchObject({ code: 'config_invalid' });
    }
  });
});

describe('startExpiryGuard', () => {
  it('closes a session that comes due, through the merchant', async () => {
    let nowMs = Date.now();
    const mta = mtaStub();
    const fx = await merchantFixture(createMemoryMerchantStore(), {
      mta: mta.handler,
      clock: () => new Date(nowMs),
    });
    const s = await fx.openSession({ expiresAtMs: nowMs + 120_000 });
    await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(70n));
    const passes: CloseExpiringResult[] = [];
    const guard = fx.merchant.startExpiryGuard({
      intervalMs: 5,
      withinMs: 60_000,
      onPass: (r) => passes.push(r),
    });
    try {
      await eventually(() => passes.length >= 2);
      expect(passes.flatMap((p) => p.closed)).toEqual([]); // not yet within the margin
      nowMs += 61_000;
      await eventually(() => passes.some((p) => p.closed.length > 0));
      expect(passes.flatMap((p) => p.closed)).toEqual([s.transactionId]);
      expect(mta.records.has(s.transactionId)).toBe(true);
    } finally {
      await guard.stop();
    }
  });

  it('never overlaps passes, survives a failing pass, and stops after the pass in progress', async () => {
    let active = 0;
    let overlapped = false;
    let calls = 0;
    const errors: unknown[] = [];
    const close = async (): Promise<CloseExpiringResult> => {
      calls++;
      active++;
      overlapped ||= active > 1;
      await new Promise((resolve) => setTimeout(resolve, 15)); // longer than the interval
      active--;
      if (calls === 2) throw new Error('store unreachable');
      return { closed: [], failed: [] };
    };
    const guard = startExpiryGuard(close, {
      intervalMs: 1,
      onError: (e) => {
        errors.push(e);
        throw new Error('a broken logger must not stop the guard');
      },
    });
    await eventually(() => calls >= 4);
    await guard.stop();
    const stoppedAt = calls;
    expect(active).toBe(0); // stop waited for the pass in progress
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toBe(stoppedAt);
    expect(overlapped).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('refuses bad options at start', () => {
    const close = async () => ({ closed: [], failed: [] });
    expect(() => startExpiryGuard(close, { intervalMs: 0 })).toThrow(MerchantError);
    expect(() => startExpiryGuard(close, { withinMs: -5 })).toThrow(MerchantError);
  });
});
