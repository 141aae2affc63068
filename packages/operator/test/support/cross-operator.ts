import { createTestClock, type TestClock } from './test-clock.ts';
import { startTestMerchant, type TestMerchant } from './test-merchant.ts';
import { startTradingNodes, type TradingNode } from './trading-node.ts';

/** The usual test world: a SEK customer operator, a EUR merchant operator, and a registered shop at op-b. */
export interface CrossOperatorWorld {
  readonly opA: TradingNode;
  readonly opB: TradingNode;
  readonly shop: TestMerchant;
  close(): Promise<void>;
}

/** 1 SEK = 0.0874 EUR, the rate every cross-operator test quotes. */
export const SEK_EUR_RATES = 'SEK/EUR=0.0874';

export async function startCrossOperatorWorld(
  clock: TestClock = createTestClock(),
  options: { readonly fee?: string } = {},
): Promise<CrossOperatorWorld> {
  const [opA, opB] = (await startTradingNodes(
    [
      { id: 'op-a', currency: 'SEK' },
      { id: 'op-b', currency: 'EUR', rates: SEK_EUR_RATES, ...(options.fee ? { fee: options.fee } : {}) },
    ],
    clock,
  )) as [TradingNode, TradingNode];
  const shop = await startTestMerchant({ id: opB.id, url: opB.url });
  const registered = await opB.merchant(shop.endpointUrl, shop.key);
  shop.register(registered.id, registered.apiKey);
  return {
    opA,
    opB,
    shop,
    close: async () => {
      await shop.close();
      await opA.close();
      await opB.close();
    },
  };
}
