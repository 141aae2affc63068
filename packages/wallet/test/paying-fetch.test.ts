import { createPaywall, fastifyPaywall, type Paywall } from '@tallystick/merchant';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapFetch } from '../src/index.ts';
import { startWalletNetwork, type WalletNetwork } from './support/network.ts';

/*
 * The paying fetch end to end: fake AM (op-a, SEK) and MTA (op-b, EUR) on
 * HTTP, the real merchant SDK with its paywall on Fastify, the real wallet.
 */
let net: WalletNetwork;
let app: FastifyInstance;
let url: string;
let paywall: Paywall;
let served = 0;

beforeAll(async () => {
  net = await startWalletNetwork();
  paywall = createPaywall(net.merchant, {
    currency: 'EUR',
    routes: {
      'GET /weather': { price: { amountMinor: 50n, currency: 'EUR' }, description: 'Weather now' },
      'GET /news/:id': { price: { amountMinor: 20n, currency: 'EUR' } },
      'GET /premium': { price: { amountMinor: 5_000n, currency: 'EUR' } },
      'GET /flaky': { price: { amountMinor: 10n, currency: 'EUR' } },
    },
  });
  app = Fastify();
  await app.register(fastifyPaywall(paywall));
  app.get('/weather', async () => ({ temperature: 21, served: ++served }));
  app.get('/news/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.get('/premium', async () => ({ premium: true }));
  let flaky = 0;
  app.get('/flaky', async (_request, reply) =>
    ++flaky % 2 === 1 ? reply.code(503).send({ retry: true }) : { ok: true },
  );
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await net?.close();
});

describe('wrapFetch', () => {
  it('pays a 402 with a hash chain and retries; the next call pays up front', async () => {
    const paid = wrapFetch(fetch, net.wallet(), { maxDepositMinor: 10_000n, maxPriceMinor: 100n });
    const first = await paid(`${url}/weather`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ temperature: 21 });
    expect((await paid(`${url}/weather`)).status).toBe(200);
    expect(paid.spent()).toEqual({ EUR: 100n });
    const summaries = await paid.close();
    expect(summaries).toHaveLength(1);
  });

  it('keeps many concurrent hash-chain requests on one session correct', async () => {
    const receipts: number[] = [];
    const paid = wrapFetch(fetch, net.wallet(), {
      maxDepositMinor: 100_000n,
      maxPriceMinor: 100n,
      onReceipt: (r) => receipts.push(r.seq),
    });
    await paid(`${url}/news/0`);
    const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => paid(`${url}/news/${i + 1}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(paid.spent()).toEqual({ EUR: 61n * 20n });
    expect(new Set(receipts).size).toBe(61);
    await paid.close();
  });

  it('keeps many concurrent voucher requests on one session correct (one in flight at a time)', async () => {
    const paid = wrapFetch(fetch, net.wallet(), {
      maxDepositMinor: 100_000n,
      maxPriceMinor: 100n,
      schemes: ['tally-voucher'],
    });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => paid(`${url}/news/${i}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const [summary] = await paid.close();
    expect(summary).toMatchObject({ purchaseCount: 20, cumulativeMinor: 400n });
    const session = await net.merchant.getSession(summary?.transactionId ?? '');
    expect(session).toMatchObject({ seq: 20, cumulativeMinor: 400n });
  });

  it('rolls over to a new transaction when a deposit is used up', async () => {
    const paid = wrapFetch(fetch, net.wallet(), { maxDepositMinor: 1_000n, maxPriceMinor: 100n }); // 100 EUR minor
    for (let i = 0; i < 5; i++) expect((await paid(`${url}/weather`)).status).toBe(200);
    expect(paid.spent()).toEqual({ EUR: 250n });
    const summaries = await paid.close();
    expect(summaries.length).toBeGreaterThanOrEqual(3);
  });

  it('does not pay above maxPriceMinor or beyond maxTotalMinor: the 402 comes back', async () => {
    const paid = wrapFetch(fetch, net.wallet(), {
      maxDepositMinor: 100_000n,
      maxPriceMinor: 100n,
      maxTotalMinor: 60n,
    });
    expect((await paid(`${url}/premium`)).status).toBe(402);
    expect((await paid(`${url}/weather`)).status).toBe(200);
    expect((await paid(`${url}/weather`)).status).toBe(402);
    expect(paid.spent()).toEqual({ EUR: 50n });
  });

  it('is not charged when the handler fails, for either scheme', async () => {
    for (const scheme of ['tally-payword', 'tally-voucher'] as const) {
      const paid = wrapFetch(fetch, net.wallet(), {
        maxDepositMinor: 10_000n,
        maxPriceMinor: 100n,
        schemes: [scheme],
      });
      expect((await paid(`${url}/flaky`)).status).toBe(503);
      expect((await paid(`${url}/flaky`)).status).toBe(200);
      expect(paid.spent()).toEqual({ EUR: 10n });
      const [summary] = await paid.close();
      if (scheme === 'tally-voucher')
        expect(summary).toMatchObject({ purchaseCount: 1, cumulativeMinor: 10n });
      else expect(summary?.hashChainIndex).toBe(1);
    }
  });
});
