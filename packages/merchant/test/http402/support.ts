import {
  decodePaymentHeader,
  encodePaymentHeader,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  type PaymentRequired,
  type PaymentRequirements,
  PaywordChain,
  receiptOfSettleResponse,
  type TallyReceipt,
  type TallyScheme,
} from '@tallystick/protocol';
import {
  createMemoryMerchantStore,
  createPaywall,
  type MerchantStore,
  type Paywall,
  paywallFetch,
} from '../../src/index.ts';
import { merchantFixture } from '../support/merchant-fixture.ts';

export const ORIGIN = 'http://shop.test';

/** A merchant (MTA simulated in-process) with a paywall over a Web handler; routes priced in EUR. */
export async function paywallFixture(
  handler?: (request: Request) => Response | Promise<Response>,
  store: MerchantStore = createMemoryMerchantStore(),
  options: { voucherVerify?: 'worker' | 'threadpool' | 'inline' } = {},
) {
  const fixture = await merchantFixture(store);
  const paywall = createPaywall(fixture.merchant, {
    ...options,
    currency: 'EUR',
    offerId: 'articles',
    voucherWaitMs: 500,
    routes: {
      'GET /weather': { price: { amountMinor: 50n, currency: 'EUR' }, description: 'Weather now' },
      'GET /news/:id': { price: { amountMinor: 20n, currency: 'EUR' } },
      'GET /quote': { price: (r) => ({ amountMinor: BigInt(r.header('x-size') ?? '10'), currency: 'EUR' }) },
      'POST /fail': { price: { amountMinor: 10n, currency: 'EUR' } },
    },
  });
  const serve = paywallFetch(
    paywall,
    handler ??
      ((request) =>
        new URL(request.url).pathname === '/fail'
          ? Response.json({ error: 'boom' }, { status: 500 })
          : Response.json({ ok: true, path: new URL(request.url).pathname })),
  );
  /** A session whose wallet side signs vouchers and reveals a hash chain (unit price 10). */
  const openSession = async (overrides: { depositMinor?: bigint; chainLength?: number } = {}) => {
    const chain = new PaywordChain({ lengthMax: overrides.chainLength ?? 100 });
    const session = await fixture.openSession({
      ...(overrides.depositMinor !== undefined ? { depositMinor: overrides.depositMinor } : {}),
      hashChain: { rootHex: chain.rootHex, unitPriceMinor: 10n, lengthMax: chain.lengthMax },
    });
    return { ...session, chain };
  };
  return { ...fixture, store, paywall, serve, openSession };
}

export type PaywallFixture = Awaited<ReturnType<typeof paywallFixture>>;

export function requiredOf(response: Response): PaymentRequired {
  const decoded = decodePaymentHeader(response.headers.get(PAYMENT_REQUIRED_HEADER));
  if (typeof decoded === 'string') throw new Error(`no PAYMENT-REQUIRED: ${decoded}`);
  return decoded as unknown as PaymentRequired;
}

export function receiptOf(response: Response): TallyReceipt | undefined {
  const decoded = decodePaymentHeader(response.headers.get(PAYMENT_RESPONSE_HEADER));
  return typeof decoded === 'string' ? undefined : receiptOfSettleResponse(decoded);
}

/** The route's offer for a scheme, as the 402 states it. */
export async function offerOf(
  paywall: Paywall | { serve: (r: Request) => Promise<Response> },
  path: string,
  scheme: TallyScheme,
  init: RequestInit = {},
): Promise<PaymentRequirements> {
  const serve = 'serve' in paywall ? paywall.serve : paywallFetch(paywall, () => new Response());
  const required = requiredOf(await serve(new Request(`${ORIGIN}${path}`, init)));
  const offer = required.accepts.find((a) => a.scheme === scheme);
  if (!offer) throw new Error(`no ${scheme} offer for ${path}`);
  return offer;
}

export function paymentHeader(accepted: PaymentRequirements, payload: Record<string, unknown>): string {
  return encodePaymentHeader({ x402Version: 2, resource: { url: `${ORIGIN}/` }, accepted, payload });
}

export function paid(path: string, header: string, init: RequestInit = {}): Request {
  return new Request(`${ORIGIN}${path}`, {
    ...init,
    headers: { ...init.headers, 'payment-signature': header },
  });
}
