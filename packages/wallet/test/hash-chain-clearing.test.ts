import { createPaywall, fastifyPaywall, type Merchant } from '@tallystick/merchant';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MerchantNetwork, startMerchantNetwork } from '../../merchant/test/support/merchant-network.ts';
import type { TradingNode } from '../../operator/test/support/trading-node.ts';
import { createWallet, wrapFetch } from '../src/index.ts';

/*
 * Hash-chain metering end to end against real operator nodes (AM op-a in
 * SEK, MTA op-b in EUR, ledger on PGlite or TEST_DATABASE_URL): the paying
 * fetch pays a paywalled route with preimages, both records carry the
 * deepest preimage, and the MTA clears index × unit price from it.
 */
describe('hash-chain payments clear from the last preimage', () => {
  let net: MerchantNetwork;
  let opA: TradingNode;
  let merchant: Merchant;

  beforeAll(async () => {
    net = await startMerchantNetwork();
    ({ opA, merchant } = net);
  });
  afterAll(async () => {
    await net?.close();
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
