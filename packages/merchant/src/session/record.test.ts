import {
  importVerificationKey,
  MerchantRecordMessage,
  TerminateMessage,
  verifyTyped,
} from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { MERCHANT_ID, MTA_ID, merchantFixture } from '../../test/support/merchant-fixture.ts';
import { createMemoryMerchantStore, MerchantApiError, MerchantConnectionError } from '../index.ts';

/** An MTA that records what it was sent and fails as told. */
function mtaStub(script: (Response | 'drop')[] = []) {
  const received: { path: string; auth: string | null; body: { record?: string } }[] = [];
  const handler = async (request: Request): Promise<Response> => {
    received.push({
      path: new URL(request.url).pathname,
      auth: request.headers.get('authorization'),
      body: await request.json().catch(() => undefined),
    });
    const next = script.shift();
    if (next === 'drop') throw new TypeError('fetch failed');
    return next ?? Response.json({ status: 'received' }, { status: 202 });
  };
  return { handler, received };
}

describe('terminate, receiveTerminate and submitRecord', () => {
  it('signs and sends the merchant record once; a retry re-sends the same JWS', async () => {
    const mta = mtaStub([
      Response.json({ error: { code: 'busy', message: 'later' }, requestId: 'r1' }, { status: 503 }),
      'drop',
    ]);
    const fx = await merchantFixture(createMemoryMerchantStore(), { mta: mta.handler, retriesMax: 2 });
    const s = await fx.openSession();
    await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(120n));
    await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(30n));
    const result = await fx.merchant.submitRecord(s.transactionId);
    expect(result).toMatchObject({ status: 'received', purchaseCount: 2, totalMinor: 150n, lastSeq: 2 });
    expect(mta.received).toHaveLength(3); // 503, network error, then accepted: all the same record
    expect(new Set(mta.received.map((r) => r.body.record))).toEqual(new Set([result.record]));
    expect(mta.received[0]).toMatchObject({
      path: `/v1/mta/transactions/${s.transactionId}/merchant-record`,
      auth: 'Bearer tsk_mer-bbbbbbbbbbbbbbbb_secret',
    });

    const merchantKey = await importVerificationKey(fx.merchantKey.publicJwk);
    const record = await verifyTyped(result.record, MerchantRecordMessage, {
      resolveKey: async () => ({ key: merchantKey, issuer: MERCHANT_ID }),
      audience: MTA_ID,
    });
    expect(record.body).toMatchObject({
      purchaseCount: 2,
      totalMinor: 150n,
      lastSeq: 2,
      purchaseListHash: s.wallet.list()?.hashHex,
    });
    expect(record.body.lastVoucher).toBe((await fx.merchant.getSession(s.transactionId))?.lastVoucher);

    // The session was stopped by the record; submitting again re-sends the stored JWS.
    expect(await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(1n))).toEqual({
      ok: false,
      code: 'session_terminated',
    });
    expect((await fx.merchant.submitRecord(s.transactionId)).record).toBe(result.record);
    expect((await fx.merchant.getSession(s.transactionId))?.record?.status).toBe('received');
  });

  it('surfaces an MTA refusal with its code and request id, and a dead MTA as a connection error', async () => {
    const refusing = mtaStub([
      Response.json(
        { error: { code: 'record_exists', message: 'another record' }, requestId: 'req-9' },
        { status: 409 },
      ),
    ]);
    const fx = await merchantFixture(createMemoryMerchantStore(), { mta: refusing.handler, retriesMax: 2 });
    const s = await fx.openSession();
    const error = await fx.merchant.submitRecord(s.transactionId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MerchantApiError);
    expect(error).toMatchObject({ code: 'record_exists', statusCode: 409, requestId: 'req-9' });
    expect(refusing.received).toHaveLength(1); // a 4xx is not retried

    const dead = mtaStub(['drop', 'drop', 'drop']);
    const fx2 = await merchantFixture(createMemoryMerchantStore(), { mta: dead.handler, retriesMax: 2 });
    const s2 = await fx2.openSession();
    await expect(fx2.merchant.submitRecord(s2.transactionId)).rejects.toBeInstanceOf(MerchantConnectionError);
    expect(dead.received).toHaveLength(3);
  });

  it('merchant stop signs a terminate with the true last seq; the first terminate is kept', async () => {
    const fx = await merchantFixture(createMemoryMerchantStore());
    const s = await fx.openSession();
    await fx.merchant.acceptPurchase(s.transactionId, await s.wallet.pay(5n));
    const stop = await fx.merchant.terminate(s.transactionId);
    const merchantKey = await importVerificationKey(fx.merchantKey.publicJwk);
    const signed = await verifyTyped(stop.termination.jws, TerminateMessage, {
      resolveKey: async () => ({ key: merchantKey, issuer: MERCHANT_ID }),
      audience: MTA_ID,
    });
    expect(signed.body).toEqual({
      transactionId: s.transactionId,
      by: 'merchant',
      reason: 'merchant_stop',
      lastSeq: 1,
    });
    expect(await fx.merchant.terminate(s.transactionId)).toEqual(stop);
  });

  it('accepts a customer terminate signed by the session key and refuses a forged one', async () => {
    const { signTerminate, generateSigningKey } = await import('@tallystick/protocol');
    const fx = await merchantFixture(createMemoryMerchantStore());
    const s = await fx.openSession();
    const body = {
      transactionId: s.transactionId,
      by: 'customer' as const,
      reason: 'customer_stop' as const,
      lastSeq: 0,
    };
    const forged = await signTerminate(
      await generateSigningKey(),
      { iss: s.pseudonym, aud: MERCHANT_ID },
      body,
    );
    await expect(fx.merchant.receiveTerminate(forged)).rejects.toMatchObject({ code: 'terminate_invalid' });
    await expect(fx.merchant.receiveTerminate('garbage')).rejects.toMatchObject({ code: 'session_unknown' });
    const genuine = await signTerminate(s.sessionKey, { iss: s.pseudonym, aud: MERCHANT_ID }, body);
    const result = await fx.merchant.receiveTerminate(genuine);
    expect(result.termination).toMatchObject({
      by: 'customer',
      reason: 'customer_stop',
      jws: genuine,
      lastSeq: 0,
    });
  });
});
