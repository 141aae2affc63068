import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../support/test-clock.ts';
import { startTestMerchant, type TestMerchant } from '../support/test-merchant.ts';
import { testWallet } from '../support/test-wallet.ts';
import { startTradingNodes, type TradingNode } from '../support/trading-node.ts';

describe('a trading session with customer and merchant at the same operator', () => {
  let op: TradingNode;
  let shop: TestMerchant;

  beforeAll(async () => {
    [op] = (await startTradingNodes([{ id: 'op-a', currency: 'SEK' }], createTestClock())) as [TradingNode];
    shop = await startTestMerchant({ id: op.id, url: op.url });
    const registered = await op.merchant(shop.endpointUrl, shop.key);
    shop.register(registered.id, registered.apiKey);
  });
  afterAll(async () => {
    await shop?.close();
    await op?.close();
  });

  it('runs AM and MTA in-process, converts 1:1, and nets its own interop account to zero', async () => {
    const customer = await op.customer(20_000n);
    const wallet = testWallet(op, customer);
    const t = await wallet.initiate(await wallet.openSession(), {
      depositMinor: 2_500n,
      merchantId: shop.id,
      merchantOperatorId: 'op-a',
    });
    expect(t.ready).toMatchObject({ depositMerchantMinor: 2_500n, merchantCurrency: 'SEK' });
    expect(t.ready.rate).toMatchObject({ numerator: 1n, denominator: 1n });
    expect((await op.account(customer.accountId))?.debitsPendingMinor).toBe(2_500n);
    await shop.accept(t.transactionId, await wallet.buy(t, 400n));
    await shop.accept(t.transactionId, await wallet.buy(t, 99n));

    const merchantRecord = await op.request(
      'POST',
      `/v1/mta/transactions/${t.transactionId}/merchant-record`,
      {
        apiKey: shop.apiKey,
        body: { record: await shop.record(t.transactionId) },
      },
    );
    expect(merchantRecord.body).toEqual({ status: 'recorded' });
    expect(await wallet.handIn(t, await wallet.record(t))).toEqual({
      status: 202,
      body: { status: 'cleared' },
    });

    expect((await wallet.view(t.transactionId)).body).toMatchObject({
      status: 'cleared',
      clearing: { outcome: 'agreed', clearedCustomerMinor: '499', releasedCustomerMinor: '2001' },
    });
    expect(await op.posted(customer.accountId)).toBe(20_000n - 499n);
    expect(await op.posted(`${shop.id}.SEK`)).toBe(499n);
    expect(await op.posted('op.op-a.interop.op-a.SEK')).toBe(0n);
    expect(await op.posted('op.op-a.liquidity.SEK')).toBe(0n);
    for (const sum of Object.values(await op.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    const kinds = (await op.trading.billing.forTransaction(t.transactionId)).map((r) => [
      r.kind,
      r.amountMinor,
    ]);
    expect(kinds).toEqual([
      ['deposit', 499n],
      ['withdrawal', 499n],
    ]);
  });
});
