import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressPaywall, fastifyPaywall, honoPaywall } from '../../src/index.ts';
import {
  offerOf,
  type PaywallFixture,
  paymentHeader,
  paywallFixture,
  receiptOf,
  requiredOf,
} from './support.ts';

interface Served {
  readonly url: string;
  close(): Promise<void>;
}

const body = { temperature: 21 };

async function fastifyApp(f: PaywallFixture): Promise<Served> {
  const app = Fastify();
  await app.register(fastifyPaywall(f.paywall));
  app.get('/weather', async () => body);
  app.post('/fail', async (_request, reply) => reply.code(500).send({ error: 'boom' }));
  app.get('/free', async () => ({ free: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function expressApp(f: PaywallFixture): Promise<Served> {
  const app = express();
  app.use(expressPaywall(f.paywall));
  app.get('/weather', (_req, res) => {
    res.json(body);
  });
  app.post('/fail', () => {
    throw new Error('boom');
  });
  app.get('/free', (_req, res) => {
    res.json({ free: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function honoApp(f: PaywallFixture): Promise<Served> {
  const app = new Hono();
  app.use(honoPaywall(f.paywall));
  app.get('/weather', (c) => c.json(body));
  app.post('/fail', () => {
    throw new Error('boom');
  });
  app.get('/free', (c) => c.json({ free: true }));
  app.onError((_error, c) => c.json({ error: 'boom' }, 500));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe.each([
  ['Fastify', fastifyApp],
  ['Express', expressApp],
  ['Hono', honoApp],
])('%s adapter', (_name, start) => {
  let f: PaywallFixture;
  let app: Served;
  beforeAll(async () => {
    f = await paywallFixture();
    app = await start(f);
  });
  afterAll(() => app?.close());

  it('402s, then serves a voucher-paid request with a receipt, and refuses its replay', async () => {
    const unpaid = await fetch(`${app.url}/weather`);
    expect(unpaid.status).toBe(402);
    expect(requiredOf(unpaid).accepts).toHaveLength(2);
    const s = await f.openSession();
    const offer = await offerOf(f, '/weather', 'tally-voucher');
    const headers = {
      'payment-signature': paymentHeader(offer, { voucher: await s.wallet.pay(50n, 'GET /weather') }),
    };
    const ok = await fetch(`${app.url}/weather`, { headers });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(body);
    expect(receiptOf(ok)).toMatchObject({ transactionId: s.transactionId, seq: 1, cumulativeMinor: 50n });
    const replay = await fetch(`${app.url}/weather`, { headers });
    expect(replay.status).toBe(402);
    expect(requiredOf(replay).error).toBe('voucher_stale_seq');
    expect(await replay.text()).not.toContain('temperature');
  });

  it('serves hash-chain payments; a failing handler charges nothing', async () => {
    const s = await f.openSession();
    const offer = await offerOf(f, '/weather', 'tally-payword');
    const pay = (index: number) => ({
      'payment-signature': paymentHeader(offer, {
        transactionId: s.transactionId,
        index,
        units: 5,
        preimage: s.chain.preimageHex(index),
      }),
    });
    expect((await fetch(`${app.url}/weather`, { headers: pay(5) })).status).toBe(200);
    const fail = await offerOf(f, '/fail', 'tally-voucher', { method: 'POST' });
    const voucher = await s.wallet.pay(10n, 'POST /fail');
    const failed = await fetch(`${app.url}/fail`, {
      method: 'POST',
      headers: { 'payment-signature': paymentHeader(fail, { voucher }) },
    });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('payment-response')).toBeNull();
    expect((await f.store.getSession(s.transactionId))?.seq).toBe(0);
    expect((await fetch(`${app.url}/free`)).status).toBe(200);
  });

  it('answers garbage with a 402, never a 5xx', async () => {
    for (const header of ['garbage', 'A'.repeat(8_200), Buffer.from('{}').toString('base64')]) {
      const r = await fetch(`${app.url}/weather`, { headers: { 'payment-signature': header } });
      expect(r.status).toBe(402);
    }
  });
});
