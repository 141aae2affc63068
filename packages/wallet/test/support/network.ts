import { createServer } from 'node:http';
import {
  createMemoryMerchantStore,
  createMerchant,
  type Merchant,
  toNodeListener,
} from '@tallystick/merchant';
import { type FakeNetwork, startFakeNetwork } from '../../../merchant/test/support/fake-network.ts';
import { listen, type TestServer } from '../../../merchant/test/support/http-server.ts';
import { createWallet, type Offer, type Wallet, type WalletConfig } from '../../src/index.ts';

export interface WalletNetwork {
  readonly network: FakeNetwork;
  readonly merchant: Merchant;
  readonly offer: Offer;
  wallet(overrides?: Partial<WalletConfig>): Wallet;
  close(): Promise<void>;
}

/**
 * The fake AM (op-a, SEK) and MTA (op-b, EUR) on real HTTP servers, and the
 * real merchant SDK mounted at its endpointUrl on a third server.
 */
export async function startWalletNetwork(): Promise<WalletNetwork> {
  const network = await startFakeNetwork();
  const merchant = createMerchant({
    merchantId: network.merchant.id,
    operatorId: network.mta.operatorId,
    mtaBaseUrl: network.mta.url,
    apiKey: network.merchant.apiKey,
    merchantKey: network.merchant.key,
    store: createMemoryMerchantStore(),
  });
  const endpoint: TestServer = await listen(createServer(toNodeListener(merchant.informationHandler())));
  network.setMerchantEndpoint(`${endpoint.url}/tally/information`);
  return {
    network,
    merchant,
    offer: {
      merchantId: network.merchant.id,
      merchantOperatorId: 'op-b',
      offerId: 'articles',
      currency: 'EUR',
    },
    wallet: (overrides = {}) =>
      createWallet({
        amBaseUrl: network.am.url,
        amOperatorId: network.am.operatorId,
        customerId: network.customer.id,
        apiKey: network.customer.apiKey,
        customerKey: network.customer.key,
        retryDelayMs: 1,
        ...overrides,
      }),
    close: async () => {
      await endpoint.close();
      await network.close();
    },
  };
}
