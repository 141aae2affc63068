import type { Merchant } from '@tallystick/merchant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MerchantNetwork, startMerchantNetwork } from '../../merchant/test/support/merchant-network.ts';
import type { TradingNode } from '../../operator/test/support/trading-node.ts';
import { createWallet, type Payment } from '../src/index.ts';

/*
 * End to end against real operator nodes (packages/operator: AM and MTA
 * roles, ledger, PGlite or TEST_DATABASE_URL): the wallet SDK at op-a (SEK),
 * the merchant SDK at op-b (EUR), its information endpoint on real HTTP.
 */
describe('wallet and merchant SDKs against real operator nodes', () => {
  let net: MerchantNetwork;
  let opA: TradingNode;
  let merchant: Merchant;
  let merchantId: string;

  beforeAll(async () => {
    net = await startMerchantNetwork();
    ({ opA, merchant, merchantId } = net);
  });
  afterAll(async () => {
    await net?.close();
  });

  it('opens, pays, rolls over, stops, and both transactions clear as agreed', async () => {
    const customer = await opA.customer(100_000n);
    const wallet = createWallet({
      amBaseUrl: opA.url,
      amOperatorId: 'op-a',
      customerId: customer.id,
      apiKey: customer.apiKey,
      customerKey: customer.key,
    });
    const session = await wallet.openSession(
      { merchantId, merchantOperatorId: 'op-b', offerId: 'articles', currency: 'EUR' },
      {
        depositMinor: 5_000n,
        timeoutSeconds: 600,
        onTerminate: (t) => merchant.receiveTerminate(t.terminate).then(() => undefined),
      },
    );
    const [first] = session.transactions();
    expect(first).toMatchObject({
      depositCustomerMinor: 5_000n,
      depositMerchantMinor: 437n,
      customerCurrency: 'SEK',
      currency: 'EUR',
    });

    const payments: Payment[] = [];
    for (const price of [120n, 35n, 200n, 100n]) {
      const payment = await session.pay({
        sku: `p${price}`,
        description: `item ${price}`,
        priceMinor: price,
      });
      expect(await merchant.acceptPurchase(payment.transactionId, payment.voucher)).toMatchObject({
        ok: true,
      });
      payments.push(payment);
    }
    // 120 + 35 + 200 = 355 of 437; 100 more does not fit: a second transaction in the same AM session.
    expect(payments[3]).toMatchObject({ rolledOver: true, seq: 1 });
    const [tx1, tx2] = [payments[0]?.transactionId ?? '', payments[3]?.transactionId ?? ''];
    expect(tx2).toBe(`${await wallet.sessionId()}.2`);

    await session.close();
    for (const id of [tx1, tx2]) {
      await merchant.submitRecord(id);
      const view = await wallet.getTransaction(id);
      expect(view).toMatchObject({ status: 'cleared', clearing: { outcome: 'agreed' } });
      expect(await merchant.getTransaction(id)).toMatchObject({ status: 'cleared' });
    }
    expect((await wallet.getTransaction(tx1)).clearing).toMatchObject({ clearedMerchantMinor: '355' });
    expect((await wallet.getTransaction(tx2)).clearing).toMatchObject({ clearedMerchantMinor: '100' });
  });
});
