import { generateSigningKey, type Rate, type SigningKey } from '@tallystick/protocol';
import { createFakeAm } from './fake-am.ts';
import { createFakeMta } from './fake-mta.ts';
import { type CallLog, type Fault, operatorKey, resolverOf } from './fake-parties.ts';
import { startJsonServer } from './http-server.ts';

/** 1 SEK = 0.1 EUR: a 100.00 SEK deposit is 10.00 EUR for the merchant. */
export const TEST_RATE: Rate = { base: 'SEK', quote: 'EUR', numerator: 1n, denominator: 10n };

export interface FakeParty {
  readonly id: string;
  readonly apiKey: string;
  readonly key: SigningKey;
}

export interface FakeNetwork {
  readonly am: { readonly url: string; readonly operatorId: 'op-a' };
  readonly mta: { readonly url: string; readonly operatorId: 'op-b' };
  readonly customer: FakeParty;
  readonly merchant: FakeParty;
  /** Where the MTA POSTs information messages (the merchant's registered endpointUrl). */
  setMerchantEndpoint(url: string): void;
  readonly faults: Fault[];
  readonly calls: CallLog[];
  mtaView(
    transactionId: string,
  ):
    | { transactionId: string; status: string; clearing?: { outcome: string; clearedMerchantMinor: string } }
    | undefined;
  amLogons(): number;
  close(): Promise<void>;
}

/**
 * Two operators on real HTTP servers (127.0.0.1, port 0): op-a is the
 * customer's AM (SEK), op-b the merchant's MTA (EUR). They sign every
 * message with the protocol signers, like the real roles will.
 */
export async function startFakeNetwork(options: { readonly merchantId?: string } = {}): Promise<FakeNetwork> {
  const [amKey, mtaKey, customerKey, merchantKey] = await Promise.all([
    operatorKey('op-a'),
    operatorKey('op-b'),
    generateSigningKey('ES256'),
    generateSigningKey('ES256'),
  ]);
  const customer = {
    id: 'cus-aaaaaaaaaaaaaaaa',
    apiKey: 'tsk_cus-aaaaaaaaaaaaaaaa_secret',
    key: customerKey,
  };
  const merchant = {
    id: options.merchantId ?? 'shop-1',
    apiKey: 'tsk_mer-bbbbbbbbbbbbbbbb_secret',
    key: merchantKey,
  };
  const resolveKey = await resolverOf([
    [amKey, 'op-a'],
    [mtaKey, 'op-b'],
    [customerKey, customer.id],
    [merchantKey, merchant.id],
  ]);
  const faults: Fault[] = [];
  const calls: CallLog[] = [];
  const mtaDeps = {
    operatorId: 'op-b',
    currency: 'EUR',
    key: mtaKey,
    rate: TEST_RATE,
    resolveKey,
    merchant,
    merchantEndpointUrl: 'http://127.0.0.1:1/unset',
    faults,
    calls,
  };
  const mta = createFakeMta(mtaDeps);
  const mtaServer = await startJsonServer(mta.route);
  const am = createFakeAm({
    operatorId: 'op-a',
    currency: 'SEK',
    key: amKey,
    customer,
    resolveKey,
    mtaUrl: () => mtaServer.url,
    faults,
    calls,
  });
  const amServer = await startJsonServer(am.route);
  return {
    am: { url: amServer.url, operatorId: 'op-a' },
    mta: { url: mtaServer.url, operatorId: 'op-b' },
    customer,
    merchant,
    setMerchantEndpoint: (url) => {
      mtaDeps.merchantEndpointUrl = url;
    },
    faults,
    calls,
    mtaView: (id) => {
      const tx = mta.transactions.get(id);
      return tx ? mta.view(tx) : undefined;
    },
    amLogons: am.logons,
    close: async () => {
      await amServer.close();
      await mtaServer.close();
    },
  };
}
