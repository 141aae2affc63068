import { createServer } from 'node:http';
import {
  createMemoryMerchantStore,
  createMerchant,
  createPaywall,
  fastifyPaywall,
  type Merchant,
  toNodeListener,
} from '@tallystick/merchant';
import { generateSigningKey } from '@tallystick/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type TestServer } from '../../merchant/test/support/http-server.ts';
import { createTestClock } from '../../operator/test/support/test-clock.ts';
import { startTradingNodes, type TradingNode } from '../../operator/test/support/trading-node.ts';
import { createWallet, wrapFetch } from '../src/index.ts';

/*
 * Hash-chain metering end to end against real operator nodes (AM op-a in
 * SEK, MTA op-b in EUR, ledger on PGlite or TEST_DATABASE_URL): the paying
 * fetch pays a paywalled route with preimages, both records carry the
 * deepest preimage, and the MTA clears index × unit price from it.
 */
describe('hash-chain payments clear from the last preimage', () => {
  let opA: TradingNode;
  let opB: TradingNode;
  let endpoint: TestServer;
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
    // The endpoint must exist before registration, the merchant id only after it.
    let handler: ((request: Request) => Promise<Response>) | undefined;
    endpoint = await listen(
      createServer(
        toNodeListener((request) =>
          handler ? handler(request) : Promise.resolve(new Response(null, { status: 503 })),
        ),
      ),
    );
    const merchantKey = await generateSigningKey();
    const registered = await opB.merchant(`${endpoint.url}/tally/information`, merchantKey);
    merchantId = registered.id;
    merchant = createMerchant({
      merchantId,
      operatorId: 'op-b',
      mtaBaseUrl: opB.url,
      apiKey: registered.apiKey,
      merchantKey,
      store: createMemoryMerchantStore(),
    });
    handler = merchant.informationHandler();
  });
  afterAll(async () => {
    await endpoint?.close();
    await opA?.close();
    await opB?.close();
  });

  it('pays 10 calls over HTTP 402 with preimages, and the MTA clears 10 × the unit price', async () => {
    const paywall = createPaywall(merchant, {
      currency: 'EUR',
      routes: { 'GET /meter': { price: { amountMinor: 3n, currency: 'EUR' } } },
    });
    const app: FastifyInstance = Fastify();
    await app.register(fastifyPaywall(paywall));
    app.get('/meter', async () => ({ tick: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const customer = await opA.customer(100_000n);
      const wallet = createWallet({
        amBaseUrl: opA.url,
        amOperatorId: 'op-a',
        customerId: customer.id,
        apiKey: customer.apiKey,
        customerKey: customer.key,
      });
      const paid = wrapFetch(fetch, wallet, {
        maxDepositMinor: 5_000n,
        maxPriceMinor: 10n,
        schemes: ['tally-payword'],
      });
      const responses = await Promise.all(Array.from({ length: 10 }, () => paid(`${url}/meter`)));
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
      const [summary] = await paid.close();
      const id = summary?.transactionId ?? '';
      expect(summary).toMatchObject({ hashChainIndex: 10, purchaseCount: 0 }); // unit price 3: one unit per call
      await merchant.submitRecord(id);
      const view = await wallet.getTransaction(id);
      expect(view).toMatchObject({
        status: 'cleared',
        clearing: { outcome: 'agreed', clearedMerchantMinor: '30' },
      });
    } finally {
      await app.close();
    }
  });
});
