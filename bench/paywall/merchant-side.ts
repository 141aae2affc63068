/*
 * The bench merchant, shared by the HTTP bench's server process and the
 * in-process micro bench: the merchant SDK on a memory store, knowing the
 * sessions the wallet side opened, and one paywall pricing the bench route.
 */
import { createMemoryMerchantStore, createMerchant, createPaywall, type Paywall } from '@tallystick/merchant';
import { generateSigningKey } from '@tallystick/protocol';
import { CURRENCY, MERCHANT_ID, MTA_ID, OFFER_ID, PRICE_MINOR, ROUTE } from './model.ts';

export async function createBenchPaywall(
  mtaPublicJwk: Record<string, unknown>,
  informations: readonly string[],
  extra: { readonly voucherVerify?: 'worker' | 'threadpool' | 'inline' } = {},
): Promise<Paywall> {
  const document = { operatorId: MTA_ID, currency: CURRENCY, keys: [mtaPublicJwk] };
  const merchant = createMerchant({
    merchantId: MERCHANT_ID,
    operatorId: MTA_ID,
    mtaBaseUrl: 'http://mta.invalid',
    apiKey: 'tsk_bench',
    merchantKey: await generateSigningKey('ES256'),
    store: createMemoryMerchantStore(),
    // The MTA's published keys, answered locally: the bench measures the paywall, not a fetch.
    fetch: async () => Response.json(document),
  });
  for (const information of informations) await merchant.handleInformation({ information });
  return createPaywall(merchant, {
    currency: CURRENCY,
    offerId: OFFER_ID,
    routes: { [ROUTE]: { price: { amountMinor: PRICE_MINOR, currency: CURRENCY } } },
    ...extra,
  });
}
