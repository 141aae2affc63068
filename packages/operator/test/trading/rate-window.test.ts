import { decodeBody, generateSigningKey, SessionReadyMessage } from '@tallystick/protocol';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../support/test-clock.ts';
import { startTestMerchant, type TestMerchant } from '../support/test-merchant.ts';
import { testWallet } from '../support/test-wallet.ts';
import { startTradingNodes, type TradingNode } from '../support/trading-node.ts';

const HOUR_MS = 3_600_000;

describe('rates with validity windows, end to end', () => {
  const nowMs = Date.now();
  const window = (fromHours: number, untilHours: number) =>
    `@${new Date(nowMs + fromHours * HOUR_MS).toISOString()}/${new Date(nowMs + untilHours * HOUR_MS).toISOString()}`;
  let opA: TradingNode;
  let opB: TradingNode;
  let opC: TradingNode;
  let shop: TestMerchant;
  beforeAll(async () => {
    [opA, opB, opC] = (await startTradingNodes(
      [
        { id: 'op-a', currency: 'SEK' },
        // An hour ago op-b quoted 0.05; now 0.0874.
        {
          id: 'op-b',
          currency: 'EUR',
          rates: `SEK/EUR=0.05${window(-2, -1)},SEK/EUR=0.0874${window(-1, 1)}`,
        },
        // op-c's only SEK/EUR rate ended an hour ago.
        { id: 'op-c', currency: 'EUR', rates: `SEK/EUR=0.0874${window(-2, -1)}` },
      ],
      createTestClock(),
    )) as [TradingNode, TradingNode, TradingNode];
    shop = await startTestMerchant({ id: opB.id, url: opB.url });
    const registered = await opB.merchant(shop.endpointUrl, shop.key);
    shop.register(registered.id, registered.apiKey);
  });
  afterAll(async () => {
    await shop?.close();
    await Promise.all([opA?.close(), opB?.close(), opC?.close()]);
  });

  const ready = (jws: string) =>
    decodeBody(
      SessionReadyMessage,
      JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? ''))).body,
    );

  async function initiate(merchantId: string, merchantOperatorId: string) {
    const customer = await opA.customer(100_000n);
    const wallet = testWallet(opA, customer);
    const terms = { depositMinor: 10_000n, merchantId, merchantOperatorId };
    return wallet.submitInitiation(
      await wallet.openSession(),
      await wallet.signInitiation(terms, await generateSigningKey()),
    );
  }

  it('converts at the rate whose window holds the moment of initiation, never an expired one', async () => {
    const answer = await initiate(shop.id, 'op-b');
    expect(answer).toMatchObject({ status: 201 });
    // 10000 öre at 0.0874 = 874 cents (at the expired 0.05 it would be 500): signed into the session.
    expect(ready(answer.body.sessionReady)).toMatchObject({
      rate: { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
      depositMerchantMinor: 874n,
    });
  });

  it('refuses the initiation as rate_unavailable when every window of the pair is over', async () => {
    const merchant = await opC.merchant('http://127.0.0.1:9/unused');
    const answer = await initiate(merchant.id, 'op-c');
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'rate_unavailable' } } });
  });
});
