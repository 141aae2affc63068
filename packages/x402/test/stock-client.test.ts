import { createPaywall, fastifyPaywall } from '@tallystick/merchant';
import { decodePaymentResponseHeader, wrapFetchWithPayment, x402Client } from '@x402/fetch';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWalletNetwork, type WalletNetwork } from '../../wallet/test/support/network.ts';
import { registerTallyClient } from '../src/index.ts';

/*
 * A stock `@x402/fetch` client (wrapFetchWithPayment + x402Client) with the
 * Tallystick schemes registered pays a Tallystick merchant (the merchant
 * SDK's own paywall on Fastify). Fake AM (op-a, SEK) and MTA (op-b, EUR).
 */
let net: WalletNetwork;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  net = await startWalletNetwork();
  const paywall = createPaywall(net.merchant, {
    currency: 'EUR',
    routes: {
      'GET /weather': { price: { amountMinor: 50n, currency: 'EUR' }, description: 'Weather now' },
      'GET /joke': { price: { amountMinor: 20n, currency: 'EUR' } },
    },
  });
  app = Fastify();
  await app.register(fastifyPaywall(paywall));
  app.get('/weather', async () => ({ temperature: 21 }));
  app.get('/joke', async () => ({ joke: 'a tally stick walks into a bank' }));
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await net?.close();
});

function stockClient(prefer: string) {
  const client = new x402Client(
    (_version, accepts) => accepts.find((a) => a.scheme === prefer) ?? (accepts[0] as never),
  );
  registerTallyClient(client, net.wallet(), { maxDepositMinor: 100_000n, maxPriceMinor: 100n });
  // Tallystick assets are ISO 4217 currencies, not default x402 tokens: allow them explicitly.
  client.setSpendControls({
    allowedAssets: [{ network: 'tally:*', asset: 'EUR', maxAmountPerPayment: '100' }],
  });
  return client;
}

describe('stock @x402/fetch client pays a Tallystick merchant', () => {
  it.each(['tally-payword', 'tally-voucher'])('with %s', async (scheme) => {
    const paidFetch = wrapFetchWithPayment(fetch, stockClient(scheme));
    const response = await paidFetch(`${url}/weather`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ temperature: 21 });
    const receipt = decodePaymentResponseHeader(response.headers.get('PAYMENT-RESPONSE') ?? '');
    expect(receipt).toMatchObject({
      success: true,
      network: 'tally:op-b',
      amount: '50',
      extra: { seq: expect.any(Number) },
    });
  });

  it.each(['tally-payword', 'tally-voucher'])('many concurrent requests with %s', async (scheme) => {
    const paidFetch = wrapFetchWithPayment(fetch, stockClient(scheme));
    await paidFetch(`${url}/joke`); // opens the session
    const responses = await Promise.all(Array.from({ length: 12 }, () => paidFetch(`${url}/joke`)));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const seqs = responses.map(
      (r) =>
        (decodePaymentResponseHeader(r.headers.get('PAYMENT-RESPONSE') ?? '').extra as { seq: number }).seq,
    );
    expect(new Set(seqs).size).toBe(12);
  });

  it('refuses to pay above the price limit', async () => {
    const client = new x402Client();
    registerTallyClient(client, net.wallet(), { maxDepositMinor: 100_000n, maxPriceMinor: 10n });
    client.setSpendControls({ allowedAssets: [{ network: 'tally:*', asset: 'EUR' }] });
    await expect(wrapFetchWithPayment(fetch, client)(`${url}/weather`)).rejects.toThrow(/price limit/);
  });
});
