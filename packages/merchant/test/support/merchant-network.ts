import { createServer } from 'node:http';
import { generateSigningKey } from '@tallystick/protocol';
import { createTestClock, type TestClock } from '../../../operator/test/support/test-clock.ts';
import { startTradingNodes, type TradingNode } from '../../../operator/test/support/trading-node.ts';
import { createMemoryMerchantStore, createMerchant, type Merchant, toNodeListener } from '../../src/index.ts';
import { listen, type TestServer } from './http-server.ts';

/** Two real operator nodes, a merchant SDK registered at op-b and its information endpoint. */
export interface MerchantNetwork {
  /** The customers' operator (AM), in SEK. */
  readonly opA: TradingNode;
  /** The merchant's operator (MTA), in EUR, quoting SEK/EUR 0.0874. */
  readonly opB: TradingNode;
  readonly merchant: Merchant;
  readonly merchantId: string;
  readonly clock: TestClock;
  close(): Promise<void>;
}

/**
 * The end-to-end set-up the wallet and merchant tests share: op-a (SEK) and
 * op-b (EUR) on real HTTP (PGlite, or TEST_DATABASE_URL), a merchant with a
 * memory store registered at op-b with its information endpoint on a real
 * server. With `merchantOnNodeClock` the merchant reads the nodes' test clock
 * (tests that move time); else it reads the real one.
 */
export async function startMerchantNetwork(
  options: { readonly merchantOnNodeClock?: boolean } = {},
): Promise<MerchantNetwork> {
  const clock = createTestClock();
  const [opA, opB] = (await startTradingNodes(
    [
      { id: 'op-a', currency: 'SEK' },
      { id: 'op-b', currency: 'EUR', rates: 'SEK/EUR=0.0874' },
    ],
    clock,
  )) as [TradingNode, TradingNode];
  const shop = await startMerchantAt(opB, options.merchantOnNodeClock ? clock.now : undefined);
  return {
    opA,
    opB,
    merchant: shop.merchant,
    merchantId: shop.merchantId,
    clock,
    async close() {
      await shop.endpoint.close();
      await opA.close();
      await opB.close();
    },
  };
}

/**
 * A merchant (memory store) registered at `mta` with its information
 * endpoint on a real server; `clock` when the merchant must read a test clock.
 */
export async function startMerchantAt(
  mta: TradingNode,
  clock?: () => Date,
): Promise<{ readonly merchant: Merchant; readonly merchantId: string; readonly endpoint: TestServer }> {
  // The endpoint must exist before registration, the merchant id only after it.
  let handler: ((request: Request) => Promise<Response>) | undefined;
  const endpoint = await listen(
    createServer(
      toNodeListener((request) =>
        handler ? handler(request) : Promise.resolve(new Response(null, { status: 503 })),
      ),
    ),
  );
  const merchantKey = await generateSigningKey();
  const registered = await mta.merchant(`${endpoint.url}/tally/information`, merchantKey);
  const merchant = createMerchant({
    merchantId: registered.id,
    operatorId: mta.id,
    mtaBaseUrl: mta.url,
    apiKey: registered.apiKey,
    merchantKey,
    store: createMemoryMerchantStore(),
    ...(clock ? { clock } : {}),
  });
  handler = merchant.informationHandler();
  return { merchant, merchantId: registered.id, endpoint };
}
