import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { wrapFetch } from '@tallystick/wallet';
import {
  x402ResourceServer as ExpressResourceServer,
  paymentMiddleware as expressMiddleware,
} from '@x402/express';
import { decodePaymentResponseHeader, wrapFetchWithPayment, x402Client } from '@x402/fetch';
import { x402ResourceServer as HonoResourceServer, paymentMiddleware as honoMiddleware } from '@x402/hono';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWalletNetwork, type WalletNetwork } from '../../wallet/test/support/network.ts';
import { createTallyServer, registerTallyClient } from '../src/index.ts';

/*
 * Stock x402 servers (`@x402/express`, `@x402/hono`: paymentMiddleware on an
 * x402ResourceServer) take Tallystick payments: the Tallystick schemes are
 * registered on the resource server and its facilitator is Tallystick's own,
 * which verifies and settles locally through the merchant SDK.
 */
interface Served {
  readonly url: string;
  close(): Promise<void>;
}

let net: WalletNetwork;
beforeAll(async () => {
  net = await startWalletNetwork();
});
afterAll(() => net?.close());

function tallyRoutes() {
  const tally = createTallyServer(net.merchant, { currency: 'EUR', unitPriceMinor: 10n });
  const routes = {
    'GET /weather': {
      accepts: tally.accepts({ amountMinor: 50n, sku: 'weather' }),
      description: 'Weather now',
    },
    'POST /fail': { accepts: tally.accepts({ amountMinor: 10n, sku: 'fail' }) },
  };
  return { tally, routes };
}

async function expressApp(): Promise<Served> {
  const { tally, routes } = tallyRoutes();
  const app = express();
  app.use(expressMiddleware(routes, tally.register(new ExpressResourceServer(tally.facilitator))));
  app.get('/weather', (_req, res) => {
    res.json({ temperature: 21 });
  });
  app.post('/fail', (_req, res) => {
    res.status(500).json({ error: 'boom' });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function honoApp(): Promise<Served> {
  const { tally, routes } = tallyRoutes();
  const app = new Hono();
  app.use(honoMiddleware(routes, tally.register(new HonoResourceServer(tally.facilitator))));
  app.get('/weather', (c) => c.json({ temperature: 21 }));
  app.post('/fail', (c) => c.json({ error: 'boom' }, 500));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe.each([
  ['@x402/express', expressApp],
  ['@x402/hono', honoApp],
])('stock %s server takes Tallystick payments', (_name, start) => {
  let app: Served;
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app?.close());

  it('answers x402 v2 with Tallystick offers', async () => {
    const response = await fetch(`${app.url}/weather`);
    expect(response.status).toBe(402);
    const required = JSON.parse(
      Buffer.from(response.headers.get('PAYMENT-REQUIRED') ?? '', 'base64').toString(),
    );
    expect(required.accepts.map((a: { scheme: string }) => a.scheme)).toEqual([
      'tally-voucher',
      'tally-payword',
    ]);
    expect(required.accepts[1]).toMatchObject({
      network: 'tally:op-b',
      asset: 'EUR',
      amount: '50',
      payTo: expect.any(String),
      extra: { offerId: 'x402', sku: 'weather', unitPriceMinor: '10', units: 5 },
    });
  });

  it.each(['tally-payword', 'tally-voucher'] as const)(
    'the Tallystick paying fetch pays it with %s',
    async (scheme) => {
      const paid = wrapFetch(fetch, net.wallet(), {
        maxDepositMinor: 100_000n,
        maxPriceMinor: 100n,
        schemes: [scheme],
      });
      const responses = await Promise.all(Array.from({ length: 8 }, () => paid(`${app.url}/weather`)));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(paid.spent()).toEqual({ EUR: 400n });
      await paid.close();
    },
  );

  it.each(['tally-payword', 'tally-voucher'])(
    'a stock @x402/fetch client pays it with %s',
    async (scheme) => {
      const client = new x402Client(
        (_v, accepts) => accepts.find((a) => a.scheme === scheme) ?? (accepts[0] as never),
      );
      registerTallyClient(client, net.wallet(), { maxDepositMinor: 100_000n, maxPriceMinor: 100n });
      client.setSpendControls({ allowedAssets: [{ network: 'tally:*', asset: 'EUR' }] });
      const paidFetch = wrapFetchWithPayment(fetch, client);
      for (let i = 0; i < 3; i++) {
        const response = await paidFetch(`${app.url}/weather`);
        expect(response.status).toBe(200);
        const receipt = decodePaymentResponseHeader(response.headers.get('PAYMENT-RESPONSE') ?? '');
        expect(receipt).toMatchObject({
          success: true,
          amount: '50',
          network: 'tally:op-b',
          extra: { seq: expect.any(Number) },
        });
      }
    },
  );

  it('charges nothing when the handler fails', async () => {
    const paid = wrapFetch(fetch, net.wallet(), {
      maxDepositMinor: 100_000n,
      maxPriceMinor: 100n,
      schemes: ['tally-voucher'],
    });
    const failed = await paid(`${app.url}/fail`, { method: 'POST' });
    expect(failed.status).toBe(500);
    expect(paid.spent()).toEqual({});
    expect((await paid(`${app.url}/weather`)).status).toBe(200);
    const [summary] = await paid.close();
    expect(summary).toMatchObject({ purchaseCount: 1, cumulativeMinor: 50n });
    expect(await net.merchant.getSession(summary?.transactionId ?? '')).toMatchObject({
      seq: 1,
      cumulativeMinor: 50n,
    });
  });

  it('answers bad payments with a 402 and a reason, never serving', async () => {
    const offer = JSON.parse(
      Buffer.from(
        (await fetch(`${app.url}/weather`)).headers.get('PAYMENT-REQUIRED') ?? '',
        'base64',
      ).toString(),
    ).accepts[1];
    const bad = Buffer.from(
      JSON.stringify({
        x402Version: 2,
        accepted: offer,
        payload: { transactionId: 'op-a.9.9', index: 5, units: 5, preimage: 'a'.repeat(64) },
      }),
    ).toString('base64');
    const response = await fetch(`${app.url}/weather`, { headers: { 'PAYMENT-SIGNATURE': bad } });
    expect(response.status).toBe(402);
    const required = JSON.parse(
      Buffer.from(response.headers.get('PAYMENT-REQUIRED') ?? '', 'base64').toString(),
    );
    expect(required.error).toBe('session_unknown');
    expect(await response.text()).not.toContain('temperature');
  });
});
