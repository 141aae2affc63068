import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryMerchantStore,
  createMerchant,
  type Merchant,
  toNodeListener,
} from '@tallystick/merchant';
import { generateSigningKey } from '@tallystick/protocol';
import { createWallet } from '@tallystick/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../support/test-clock.ts';
import { startTradingNodes, type TradingNode } from '../support/trading-node.ts';

/**
 * The same flow with the wallet and merchant SDKs (packages/wallet,
 * packages/merchant) instead of the tests' own minimal parties: a deposit
 * too small for all purchases rolls over into a second transaction of the
 * same AM session, and both clear.
 */
describe('trading sessions driven by the wallet and merchant SDKs', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let server: Server;
  let merchant: Merchant;
  let merchantId: string;

  beforeAll(async () => {
    [opA, opB] = (await startTradingNodes(
      [
        { id: 'op-a', currency: 'SEK' },
        { id: 'op-b', currency: 'EUR', rates: 'SEK/EUR=0.0874' },
      ],
      createTestClock(),
    )) as [TradingNode, TradingNode];
    server = createServer(toNodeListener((request) => merchant.informationHandler()(request)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const merchantKey = await generateSigningKey();
    const registered = await opB.merchant(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/tally`,
      merchantKey,
    );
    merchantId = registered.id;
    merchant = createMerchant({
      merchantId,
      operatorId: 'op-b',
      mtaBaseUrl: opB.url,
      apiKey: registered.apiKey,
      merchantKey,
      store: createMemoryMerchantStore(),
    });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await opA?.close();
    await opB?.close();
  });

  it('pays, rolls over to a new deposit, closes, and clears both transactions', async () => {
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
        depositMinor: 1_000n, // 10.00 SEK = 0.87 EUR for the merchant
        timeoutSeconds: 600,
        onTerminate: async (notice) => {
          await merchant.receiveTerminate(notice.terminate);
        },
      },
    );
    for (const [i, priceMinor] of [30n, 30n, 30n, 5n].entries()) {
      const item = { sku: `article-${i}`, description: `Article ${i}`, priceMinor };
      const payment = await session.pay(item);
      const accepted = await merchant.acceptPurchase(payment.transactionId, payment.voucher, item);
      expect(accepted.ok).toBe(true);
    }
    const transactions = session.transactions().map((t) => t.transactionId);
    expect(transactions).toHaveLength(2);
    await session.close();
    for (const transactionId of transactions) {
      expect((await merchant.submitRecord(transactionId)).status).toBe('cleared');
    }
    const views = await Promise.all(transactions.map((id) => wallet.getTransaction(id)));
    expect(views.map((v) => [v.status, (v.clearing as { outcome: string }).outcome])).toEqual([
      ['cleared', 'agreed'],
      ['cleared', 'agreed'],
    ]);
    // 60 EUR cents in the first (ceil(60 / 0.0874) = 687 SEK öre), 35 in the second (ceil(35 / 0.0874) = 401)
    expect(await opA.posted(customer.accountId)).toBe(100_000n - 687n - 401n);
    expect(await opB.posted(`${merchantId}.EUR`)).toBe(95n);
    expect((await merchant.getTransaction(transactions[0] ?? '')).status).toBe('cleared');
    for (const node of [opA, opB]) {
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
    }
  });
});
