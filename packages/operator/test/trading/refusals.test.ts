import { generateSigningKey, signClearing, signInitiation } from '@tallystick/protocol';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { TestMerchant } from '../support/test-merchant.ts';
import { type TestWallet, testWallet } from '../support/test-wallet.ts';
import type { PartyHandle, TradingNode } from '../support/trading-node.ts';

/** The same JWS with one body field changed and the original signature. */
function tamper(jws: string, field: string, value: unknown): string {
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
  claims.body[field] = value;
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

describe('refusals, each with its own code, and nothing cleared twice', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let shop: TestMerchant;
  let otherShop: PartyHandle;
  const terms = () => ({ depositMinor: 10_000n, merchantId: shop.id, merchantOperatorId: 'op-b' });

  let world: CrossOperatorWorld;
  beforeAll(async () => {
    world = await startCrossOperatorWorld(createTestClock());
    ({ opA, opB, shop } = world);
    otherShop = await opB.merchant('http://127.0.0.1:9/unused');
  });
  afterAll(async () => {
    await world?.close();
  });

  async function customerWith(limitMinor: bigint): Promise<{ wallet: TestWallet; customer: PartyHandle }> {
    const customer = await opA.customer(limitMinor);
    return { wallet: testWallet(opA, customer), customer };
  }

  const held = async (customer: PartyHandle) => (await opA.account(customer.accountId))?.debitsPendingMinor;

  describe('initiation', () => {
    it('refuses a tampered initiation and holds nothing', async () => {
      const { wallet, customer } = await customerWith(100_000n);
      const jws = await wallet.signInitiation(terms(), await generateSigningKey());
      const answer = await wallet.submitInitiation(
        await wallet.openSession(),
        tamper(jws, 'depositMinor', '1'),
      );
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'jws_signature_invalid' } } });
      expect(await held(customer)).toBe(0n);
    });

    it('answers a retried initiation with the original answer, and a reused id as a replay', async () => {
      const { wallet, customer } = await customerWith(100_000n);
      const sessionId = await wallet.openSession();
      const sessionKey = await generateSigningKey();
      const jws = await wallet.signInitiation(terms(), sessionKey);
      const first = await wallet.submitInitiation(sessionId, jws);
      expect(first.status).toBe(201);
      expect(await wallet.submitInitiation(sessionId, jws)).toEqual(first);
      expect(await held(customer)).toBe(10_000n);
      const { jti, body } = claimsOf(jws);
      const reused = await signInitiation(
        customer.key,
        { iss: customer.id, aud: 'op-a', jti },
        { ...body, depositMinor: 5n, sessionKey: sessionKey.publicJwk as never },
      );
      expect(await wallet.submitInitiation(sessionId, reused)).toMatchObject({
        status: 409,
        body: { error: { code: 'jws_replayed' } },
      });
      expect(await held(customer)).toBe(10_000n);
    });

    it('refuses a deposit over the limit with nothing held', async () => {
      const { wallet, customer } = await customerWith(9_999n);
      const answer = await wallet.submitInitiation(
        await wallet.openSession(),
        await wallet.signInitiation(terms(), await generateSigningKey()),
      );
      expect(answer).toMatchObject({ status: 422, body: { error: { code: 'limit_exceeded' } } });
      expect(await held(customer)).toBe(0n);
    });

    it('lets exactly one of two concurrent initiations through when together they exceed the limit', async () => {
      const { wallet, customer } = await customerWith(15_000n);
      const sessionId = await wallet.openSession();
      const jwss = await Promise.all(
        [1, 2].map(async () => wallet.signInitiation(terms(), await generateSigningKey())),
      );
      const answers = await Promise.all(jwss.map((jws) => wallet.submitInitiation(sessionId, jws)));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
      expect(answers.find((a) => a.status === 422)?.body.error.code).toBe('limit_exceeded');
      expect(await held(customer)).toBe(10_000n);
    });

    it.each([
      ['refuse', 422, 'merchant_refused'],
      ['crash', 502, 'merchant_unreachable'],
      ['bad_ack', 502, 'merchant_ack_invalid'],
    ] as const)('voids the hold when the merchant answers %s (%i %s)', async (mode, status, code) => {
      const { wallet, customer } = await customerWith(100_000n);
      shop.mode = mode;
      try {
        const sessionId = await wallet.openSession();
        const jws = await wallet.signInitiation(terms(), await generateSigningKey());
        const answer = await wallet.submitInitiation(sessionId, jws);
        expect(answer).toMatchObject({ status, body: { error: { code } } });
        expect(await held(customer)).toBe(0n);
        expect(await wallet.submitInitiation(sessionId, jws)).toMatchObject({
          status,
          body: { error: { code } },
        });
      } finally {
        shop.mode = 'accept';
      }
    });

    it('relays the MTA’s refusals: unknown merchant, no rate, unknown operator, foreign currency', async () => {
      const { wallet, customer } = await customerWith(100_000n);
      const sessionId = await wallet.openSession();
      const submit = async (overrides: object) =>
        (
          await wallet.submitInitiation(
            sessionId,
            await wallet.signInitiation({ ...terms(), ...overrides }, await generateSigningKey()),
          )
        ).body.error.code;
      expect(await submit({ merchantId: 'mer-aaaaaaaaaaaaaaaa' })).toBe('merchant_not_found');
      expect(await submit({ merchantOperatorId: 'op-z' })).toBe('merchant_operator_unknown');
      expect(await submit({ currency: 'EUR' })).toBe('currency_mismatch');
      expect(await held(customer)).toBe(0n);
      // a customer at op-b (EUR) paying a merchant at op-a, which quotes no EUR/SEK rate
      const euroCustomer = await opB.customer(100_000n);
      const euroWallet = testWallet(opB, euroCustomer);
      const localShop = await opA.merchant('http://127.0.0.1:9/unused');
      const answer = await euroWallet.submitInitiation(
        await euroWallet.openSession(),
        await euroWallet.signInitiation(
          { depositMinor: 100n, merchantId: localShop.id, merchantOperatorId: 'op-a' },
          await generateSigningKey(),
        ),
      );
      expect(answer).toMatchObject({ status: 422, body: { error: { code: 'rate_unavailable' } } });
    });
  });

  describe('records', () => {
    async function openSession(limitMinor = 100_000n) {
      const { wallet, customer } = await customerWith(limitMinor);
      const t = await wallet.initiate(await wallet.openSession(), terms());
      return { wallet, customer, t };
    }
    const merchantRecord = async (transactionId: string, record: string, apiKey = shop.apiKey) =>
      opB.request('POST', `/v1/mta/transactions/${transactionId}/merchant-record`, {
        apiKey,
        body: { record },
      });

    it('refuses a tampered record, a voucher past the deposit and a voucher under another key', async () => {
      const { wallet, t } = await openSession();
      await shop.accept(t.transactionId, await wallet.buy(t, 100n));
      const record = await wallet.record(t);
      expect((await wallet.handIn(t, tamper(record, 'totalMinor', '1'))).body.error.code).toBe(
        'jws_signature_invalid',
      );

      const greedy = { ...t };
      await wallet.buy(greedy, 900n); // 10.00 EUR cumulative, the deposit is 8.74
      expect(await wallet.handIn(t, await wallet.record(greedy))).toMatchObject({
        status: 422,
        body: { error: { code: 'voucher_exceeds_deposit' } },
      });
      const other = { ...t };
      await wallet.buy(other, 1n, await generateSigningKey());
      // signed by the session key itself, but carrying a voucher a stranger signed
      expect(await wallet.handIn(t, await wallet.record(other))).toMatchObject({
        status: 422,
        body: { error: { code: 'voucher_signature_invalid' } },
      });
      expect(await opB.count('mta_clearings')).toBe(0);
    });

    it('refuses a duplicate record and a record for someone else’s transaction', async () => {
      const { wallet, t } = await openSession();
      const mine = await openSession();
      const clearingsBefore = await opB.count('mta_clearings');
      await shop.accept(t.transactionId, await wallet.buy(t, 10n));
      const record = await wallet.record(t);
      expect((await wallet.handIn(t, record)).status).toBe(202);
      expect(await wallet.handIn(t, await wallet.record(t))).toMatchObject({
        status: 409,
        body: { error: { code: 'record_duplicate' } },
      });
      // another customer of op-a hands in a record for t
      expect(await mine.wallet.handIn(t, record)).toMatchObject({
        status: 404,
        body: { error: { code: 'transaction_not_found' } },
      });
      // a record of t sent as if it were the record of another transaction
      expect((await mine.wallet.handIn(mine.t, record)).body.error.code).toBe('jws_key_unknown');
      const theirs = await shop.record(t.transactionId);
      expect((await merchantRecord(mine.t.transactionId, theirs)).body.error.code).toBe(
        'jws_wrong_transaction',
      );
      // another merchant of op-b
      expect(await merchantRecord(t.transactionId, theirs, otherShop.apiKey)).toMatchObject({
        status: 404,
        body: { error: { code: 'transaction_not_found' } },
      });
      // a customer's API key on the merchant's route
      const customerOfB = await opB.customer(0n);
      expect(await merchantRecord(t.transactionId, theirs, customerOfB.apiKey)).toMatchObject({
        status: 403,
        body: { error: { code: 'merchant_only' } },
      });
      expect((await merchantRecord(t.transactionId, theirs)).body).toEqual({ status: 'cleared' });
      // the same signed record again is a retry: the original answer, nothing cleared twice
      expect(await merchantRecord(t.transactionId, theirs)).toEqual({
        status: 202,
        body: { status: 'cleared' },
      });
      // another record after the clearing is refused
      expect(await merchantRecord(t.transactionId, await shop.record(t.transactionId))).toMatchObject({
        status: 409,
        body: { error: { code: 'transaction_cleared' } },
      });
      expect(await opB.count('mta_clearings')).toBe(clearingsBefore + 1);
    });

    it('clears once when both records arrive at the same moment', async () => {
      const { wallet, customer, t } = await openSession();
      await shop.accept(t.transactionId, await wallet.buy(t, 500n));
      const [customerRecord, merchantSide] = await Promise.all([
        wallet.handIn(t, await wallet.record(t)),
        merchantRecord(t.transactionId, await shop.record(t.transactionId)),
      ]);
      expect([customerRecord.body.status, merchantSide.body.status].sort()).toEqual(['cleared', 'recorded']);
      expect(
        await opB.db.kysely
          .selectFrom('mta_clearings')
          .select('transaction_id')
          .where('transaction_id', '=', t.transactionId)
          .execute(),
      ).toHaveLength(1);
      // ceil(500 / 0.0874) = 5721
      expect(await opA.posted(customer.accountId)).toBe(100_000n - 5721n);
    });
  });

  it('keeps the AM routes to customers', async () => {
    const answer = await opB.request('POST', '/v1/am/sessions', { apiKey: shop.apiKey, body: {} });
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'customer_only' } } });
    expect((await opA.request('POST', '/v1/am/sessions', { body: {} })).status).toBe(401);
  });

  it('refuses a clearing not signed by a known operator', async () => {
    const stranger = await generateSigningKey();
    const clearing = await signClearing(
      { ...stranger, kid: `op-b:${stranger.kid}` },
      { iss: 'op-b', aud: 'op-a' },
      {
        transactionId: 'op-a.1.1',
        outcome: 'nothing_claimed',
        reason: 'records_missing',
        voucherSeq: 0,
        rate: { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
        depositCustomerMinor: 10_000n,
        customerCurrency: 'SEK',
        depositMerchantMinor: 874n,
        merchantCurrency: 'EUR',
        clearedMerchantMinor: 0n,
        clearedCustomerMinor: 0n,
        releasedCustomerMinor: 10_000n,
        feeMinor: 0n,
      },
    );
    const answer = await opA.request('POST', '/v1/am/clearing', { body: { clearing } });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'jws_key_unknown' } } });
  });

  it('keeps every currency balanced on both operators', async () => {
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  });
});

function claimsOf(jws: string) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? '')));
}
