import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { TestMerchant } from '../support/test-merchant.ts';
import { testWallet } from '../support/test-wallet.ts';
import type { TradingNode } from '../support/trading-node.ts';

describe('a trading session across two operators (customer at op-a in SEK, merchant at op-b in EUR)', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let shop: TestMerchant;
  const clock = createTestClock();

  let world: CrossOperatorWorld;
  beforeAll(async () => {
    world = await startCrossOperatorWorld(clock);
    ({ opA, opB, shop } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('opens, buys, hands in both records, clears as agreed and books both sides', async () => {
    const customer = await opA.customer(100_000n);
    const wallet = testWallet(opA, customer);
    const sessionId = await wallet.openSession();
    expect(sessionId).toMatch(/^op-a\.[1-9][0-9]*$/);
    const t = await wallet.initiate(sessionId, {
      depositMinor: 10_000n,
      merchantId: shop.id,
      merchantOperatorId: 'op-b',
    });
    expect(t.transactionId).toBe(`${sessionId}.1`);
    expect(t.ready).toMatchObject({
      depositCustomerMinor: 10_000n,
      depositMerchantMinor: 874n,
      merchantCurrency: 'EUR',
    });
    expect(shop.sessions.get(t.transactionId)?.information.pseudonym).toBe(t.ready.pseudonym);

    for (const price of [120n, 35n, 200n]) {
      expect(await shop.accept(t.transactionId, await wallet.buy(t, price))).toMatchObject({
        seq: expect.any(Number),
      });
    }
    const customerRecord = await wallet.handIn(t, await wallet.record(t));
    expect(customerRecord).toEqual({ status: 202, body: { status: 'recorded' } });
    const merchantRecord = await opB.request(
      'POST',
      `/v1/mta/transactions/${t.transactionId}/merchant-record`,
      {
        apiKey: shop.apiKey,
        body: { record: await shop.record(t.transactionId) },
      },
    );
    expect(merchantRecord).toEqual({ status: 202, body: { status: 'cleared' } });

    const view = await wallet.view(t.transactionId);
    expect(view.body).toMatchObject({
      status: 'cleared',
      clearing: { outcome: 'agreed', reason: 'records_match', voucherSeq: 3, clearedMerchantMinor: '355' },
    });
    // ceil(355 / 0.0874) = ceil(4061.78...) = 4062
    expect(view.body.clearing.clearedCustomerMinor).toBe('4062');
    expect(view.body.clearing.releasedCustomerMinor).toBe('5938');
    expect(await opA.posted(customer.accountId)).toBe(100_000n - 4062n);
    expect((await opA.account(customer.accountId))?.debitsPendingMinor).toBe(0n);
    expect(await opB.posted(`${shop.id}.EUR`)).toBe(355n);
    // op-b books the customer's money against op-a, and pays the merchant out of its EUR liquidity
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(-4062n);
    expect(await opB.posted('op.op-b.liquidity.SEK')).toBe(4062n);
    expect(await opB.posted('op.op-b.liquidity.EUR')).toBe(-355n);
    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(4062n);
    await expectBalanced();
    expect(await opA.trading.billing.forTransaction(t.transactionId)).toEqual([
      expect.objectContaining({
        kind: 'withdrawal',
        partyId: customer.id,
        amountMinor: 4062n,
        currency: 'SEK',
        feeMinor: 0n,
      }),
    ]);
    expect(await opB.trading.billing.forTransaction(t.transactionId)).toEqual([
      expect.objectContaining({
        kind: 'deposit',
        partyId: shop.id,
        amountMinor: 355n,
        currency: 'EUR',
        feeMinor: 0n,
      }),
    ]);
    const merchantView = await opB.request('GET', `/v1/mta/transactions/${t.transactionId}`, {
      apiKey: shop.apiKey,
    });
    expect(merchantView.body).toMatchObject({
      status: 'cleared',
      records: { customer: true, merchant: true },
      clearing: { outcome: 'agreed', clearedMerchantMinor: '355' },
    });
    expect(JSON.stringify(merchantView.body)).not.toContain(customer.id);
  });

  it('publishes each operator’s public key, which its peer verifies messages with', async () => {
    const answer = await opA.request('GET', '/.well-known/tally/operator.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      operatorId: 'op-a',
      currency: 'SEK',
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.stringMatching(/^op-a:/),
          alg: 'ES256',
        },
      ],
    });
  });

  it('applies a clearing once however often the MTA delivers it', async () => {
    const customer = await opA.customer(50_000n);
    const wallet = testWallet(opA, customer);
    const t = await wallet.initiate(await wallet.openSession(), {
      depositMinor: 5_000n,
      merchantId: shop.id,
      merchantOperatorId: 'op-b',
    });
    await shop.accept(t.transactionId, await wallet.buy(t, 100n));
    await wallet.handIn(t, await wallet.record(t));
    await opB.request('POST', `/v1/mta/transactions/${t.transactionId}/merchant-record`, {
      apiKey: shop.apiKey,
      body: { record: await shop.record(t.transactionId) },
    });
    const transfers = await opA.count('ledger_transfers');
    const balance = await opA.posted(customer.accountId);
    // The outbox entry is delivered; make it due again and let the workers redeliver, twice.
    for (let i = 0; i < 2; i++) {
      await opB.db.kysely
        .updateTable('mta_outbox')
        .set({ delivered_at: null, next_attempt_at: new Date(0) })
        .where('transaction_id', '=', t.transactionId)
        .execute();
      await opB.worker.runOnce();
      const row = await opB.db.kysely
        .selectFrom('mta_outbox')
        .select(['delivered_at', 'attempts'])
        .where('transaction_id', '=', t.transactionId)
        .executeTakeFirstOrThrow();
      expect(row.delivered_at).not.toBeNull();
    }
    expect(await opA.count('ledger_transfers')).toBe(transfers);
    expect(await opA.posted(customer.accountId)).toBe(balance);
    expect(await opA.count('am_clearings')).toBe(2);
    await expectBalanced();
  });

  async function expectBalanced() {
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  }
});
