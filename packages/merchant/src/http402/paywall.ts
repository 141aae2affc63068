import { PAYMENT_RESPONSE_HEADER, TALLY_SCHEMES, type TallyScheme } from '@tallystick/protocol';
import type { Merchant } from '../merchant.ts';
import type { PaidRoute, PaywallOptions, PaywallRequest, Price } from './config.ts';
import { PaywallConfigError, type PaywallRefusal } from './errors.ts';
import { challenge, type PaywallResponse, type PaywallTerms, type RouteTerms, routeTerms } from './offers.ts';
import { isPaymentEnvelope } from './payload-check.ts';
import { decodeHeader, encodeHeader } from './platform/node-codec.ts';
import { compileRoutes, type MatchedRoute } from './routes.ts';
import { createPaymentVerifier, type Reserved, type Settled } from './verifier.ts';

export type PaywallSettlement =
  | { readonly ok: true; readonly headers: Readonly<Record<string, string>>; readonly receipt: Settled }
  | { readonly ok: false; readonly response: PaywallResponse };

/** What to do with a request: serve it free, answer the 402, or serve it and then settle or cancel. */
export type PaywallGate =
  | { readonly kind: 'free' }
  | { readonly kind: 'refused'; readonly response: PaywallResponse }
  | {
      readonly kind: 'paid';
      readonly scheme: TallyScheme;
      /** After the handler succeeded: charge and get the `PAYMENT-RESPONSE` header (or a 402 to send instead). */
      settle(): PaywallSettlement | Promise<PaywallSettlement>;
      /** The handler failed: nothing is charged. Safe to call more than once, and after `settle`. */
      cancel(): void;
    };

export interface Paywall {
  /**
   * Decides a request: no route → `free`; no or bad payment → `refused` (a
   * 402 to send as is); a valid payment → `paid`, reserved until settled.
   * @example
   * const gate = await paywall.authorize({ method, path, url, params: {}, header: (n) => req.headers[n] });
   */
  authorize(request: PaywallRequest): Promise<PaywallGate>;
  /** The highest hash-chain preimage accepted in a transaction: the clearing proof. */
  hashChainTop(transactionId: string): { readonly index: number; readonly preimageHex: string } | undefined;
  readonly terms: PaywallTerms;
}

const FREE: PaywallGate = { kind: 'free' };

function refused(
  terms: PaywallTerms,
  route: RouteTerms,
  request: PaywallRequest,
  reason: PaywallRefusal,
): PaywallGate {
  return { kind: 'refused', response: challenge(terms, route, request.url, reason) };
}

/** A reserved payment around the handler (a class: no closures per request). */
class PaidGate {
  readonly kind = 'paid';
  readonly scheme: TallyScheme;
  constructor(
    private readonly terms: PaywallTerms,
    private readonly route: RouteTerms,
    private readonly request: PaywallRequest,
    private readonly reserved: Reserved,
  ) {
    this.scheme = reserved.scheme;
  }
  settle(): PaywallSettlement | Promise<PaywallSettlement> {
    const settled = this.reserved.settle();
    return settled instanceof Promise ? settled.then((s) => this.#answer(s)) : this.#answer(settled);
  }
  cancel(): void {
    this.reserved.cancel();
  }
  #answer(settled: Settled | PaywallRefusal): PaywallSettlement {
    if (typeof settled === 'string') {
      return { ok: false, response: challenge(this.terms, this.route, this.request.url, settled) };
    }
    return {
      ok: true,
      receipt: settled,
      headers: { [PAYMENT_RESPONSE_HEADER]: receiptHeader(this.terms, settled) },
    };
  }
}

/**
 * HTTP 402 paywall on the merchant SDK: prices routes, answers x402 v2
 * challenges, verifies payments locally (vouchers: one signature; hash
 * chains: one hash) and charges only after the handler succeeded.
 *
 * @example
 * const paywall = createPaywall(merchant, {
 *   currency: 'SEK',
 *   routes: { 'GET /weather': { price: { amountMinor: 50n, currency: 'SEK' }, description: 'Weather now' } },
 * });
 * await app.register(fastifyPaywall(paywall));
 */
export function createPaywall(merchant: Merchant, options: PaywallOptions): Paywall {
  const unitPriceMinor = options.unitPriceMinor ?? gcdOfFixedPrices(options);
  const verifier = createPaymentVerifier(merchant, {
    ...options,
    ...(unitPriceMinor !== undefined ? { unitPriceMinor } : {}),
  });
  const { terms } = verifier;
  const schemes = options.schemes ?? [TALLY_SCHEMES.voucher, TALLY_SCHEMES.payword];
  const match = compileRoutes(options.routes);
  const fixed = new Map<PaidRoute, RouteTerms>();
  for (const [key, route] of Object.entries(options.routes)) {
    if (typeof route.price !== 'function') fixed.set(route, termsFor(key, route, checkPrice(route.price)));
  }

  function termsFor(key: string, route: PaidRoute, price: Price): RouteTerms {
    return routeTerms(
      terms,
      {
        sku: route.sku ?? key,
        ...(route.description !== undefined ? { description: route.description } : {}),
        ...(route.mimeType !== undefined ? { mimeType: route.mimeType } : {}),
        schemes: route.schemes ?? schemes,
      },
      price.amountMinor,
    );
  }

  function checkPrice(price: Price): Price {
    if (
      price.currency !== terms.currency ||
      typeof price.amountMinor !== 'bigint' ||
      price.amountMinor < 0n
    ) {
      throw new PaywallConfigError(`a price must be a non-negative bigint in ${terms.currency}`);
    }
    return price;
  }

  async function dynamicTerms(matched: MatchedRoute, request: PaywallRequest): Promise<RouteTerms> {
    const price = matched.route.price as (r: PaywallRequest) => Price | Promise<Price>;
    return termsFor(
      matched.key,
      matched.route,
      checkPrice(await price({ ...request, params: matched.params })),
    );
  }

  async function authorize(request: PaywallRequest): Promise<PaywallGate> {
    const matched = match(request.method, request.path);
    if (!matched) return FREE;
    const route = fixed.get(matched.route) ?? (await dynamicTerms(matched, request));
    const header = request.header('payment-signature');
    if (header === undefined || header === '') return refused(terms, route, request, 'payment_required');
    const decoded = decodeHeader(header);
    if (typeof decoded === 'string') return refused(terms, route, request, decoded);
    if (decoded.x402Version !== 2) return refused(terms, route, request, 'payment_version_unsupported');
    if (!isPaymentEnvelope(decoded)) return refused(terms, route, request, 'payment_payload_invalid');
    let reserved = verifier.reserve(decoded, route);
    if (reserved instanceof Promise) reserved = await reserved;
    if (typeof reserved === 'string') return refused(terms, route, request, reserved);
    return new PaidGate(terms, route, request, reserved);
  }

  return { authorize, hashChainTop: verifier.hashChainTop, terms };
}

/** `receiptToSettleResponse` as JSON, written directly (hot path): every value is an id or digits. */
export function receiptHeader(terms: PaywallTerms, r: Settled): string {
  return encodeHeader(
    `{"success":true,"transaction":"${r.transactionId}","network":"${terms.network}","amount":"${r.amountMinor}",` +
      `"extra":{"seq":${r.seq},"cumulativeMinor":"${r.cumulativeMinor}"}}`,
  );
}

function gcdOfFixedPrices(options: PaywallOptions): bigint | undefined {
  let g = 0n;
  for (const route of Object.values(options.routes)) {
    if (typeof route.price === 'function' || route.price.amountMinor <= 0n) continue;
    let [a, b] = [g, route.price.amountMinor];
    while (b !== 0n) [a, b] = [b, a % b];
    g = a;
  }
  return g > 0n ? g : undefined;
}
