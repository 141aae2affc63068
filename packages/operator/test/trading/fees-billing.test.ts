import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { TestMerchant } from '../support/test-merchant.ts';
import { testWallet } from '../support/test-wallet.ts';
import type { TradingNode } from '../support/trading-node.ts';

describe('acquiring fees and billing exports (SEK customer at op-a, EUR merchant at op-b, 10+150bps)', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let shop: TestMerchant;
  const clock = createTestClock();

  let world: CrossOperatorWorld;
  beforeAll(async () => {
    world = await startCrossOperatorWorld(clock, { fee: '10+150bps' });
    ({ opA, opB, shop } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('keeps the fee of the merchant credit, books it to the fees account, and shows it everywhere', async () => {
    const customer = await opA.customer(100_000n);
    const wallet = testWallet(opA, customer);
    const t = await wallet.initiate(await wallet.openSession(), {
      depositMinor: 10_000n,
      merchantId: shop.id,
      merchantOperatorId: 'op-b',
    });
    for (const price of [120n, 35n, 200n]) await shop.accept(t.transactionId, await wallet.buy(t, price));
    await wallet.handIn(t, await wallet.record(t));
    await opB.request('POST', `/v1/mta/transactions/${t.transactionId}/merchant-record`, {
      apiKey: shop.apiKey,
      body: { record: await shop.record(t.transactionId) },
    });
    // fee = 10 + ceil(355 * 150 / 10000) = 10 + ceil(5.325) = 16 EUR cents
    const view = await wallet.view(t.transactionId);
    expect(view.body.clearing).toMatchObject({
      clearedMerchantMinor: '355',
      clearedCustomerMinor: '4062',
      feeMinor: '16',
    });
    expect(await opB.posted(`${shop.id}.EUR`)).toBe(355n - 16n);
    expect(await opB.posted('op.op-b.fees.EUR')).toBe(16n);
    expect(await opB.posted('op.op-b.liquidity.EUR')).toBe(-355n);
    expect(await opA.posted(customer.accountId)).toBe(100_000n - 4062n);
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
    expect(await opB.trading.billing.forTransaction(t.transactionId)).toEqual([
      expect.objectContaining({ kind: 'deposit', amountMinor: 355n, feeMinor: 16n, currency: 'EUR' }),
    ]);
    expect(await opA.trading.billing.forTransaction(t.transactionId)).toEqual([
      expect.objectContaining({ kind: 'withdrawal', amountMinor: 4062n, feeMinor: 0n, currency: 'SEK' }),
    ]);

    const adminToken = opB.adminToken;
    const since = new Date(0).toISOString();
    for (const format of ['csv', 'json', 'camt054'] as const) {
      const response = await fetch(`${opB.url}/v1/admin/billing/export?since=${since}&format=${format}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain(format === 'camt054' ? '<Amt Ccy="EUR">3.39</Amt>' : t.transactionId);
    }
  });
});
