import { PAYMENT_RESPONSE_HEADER, TALLY_SCHEMES, type TallyScheme } from '@tallystick/protocol';
import type { Merchant } from '../merchant.ts';
import type { PaidRoute, PaywallOptions, PaywallRequest, Price } from './config.ts';
import { PaywallConfigError, type PaywallRefusal } from './errors.ts';
import { challenge, type PaywallResponse, type PaywallTerms, type RouteTerms, routeTerms } from './offers.ts';
import { isPaymentEnvelope } from './payload-check.ts';
import { PaymentHeaderDecoder } from './platform/node-codec.ts';
import { ReceiptEncoder } from './receipt.ts';
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
   * Synchronous (no promise, no microtask) for a free route and for a
   * hash-chain payment whose transaction is in memory: the paid path that
   * must cost a few microseconds. `await` it.
   * @example
   * const gate = await paywall.authorize({ method, path, url, params: {}, header: (n) => req.headers[n] });
   */
  authorize(request: PaywallRequest): PaywallGate | Promise<PaywallGate>;
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

function gateOf(
  receipts: ReceiptEncoder,
  terms: PaywallTerms,
  route: RouteTerms,
  request: PaywallRequest,
  reserved: Reserved | PaywallRefusal,
): PaywallGate {
  return typeof reserved === 'string'
    ? refused(terms, route, request, reserved)
    : new PaidGate(receipts, terms, route, request, reserved);
}

/** A reserved payment around the handler (a class: no closures per request). */
class PaidGate {
  readonly kind = 'paid';
  readonly scheme: TallyScheme;
  constructor(
    private readonly receipts: ReceiptEncoder,
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
      headers: { [PAYMENT_RESPONSE_HEADER]: this.receipts.encode(settled) },
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
  const headers = new PaymentHeaderDecoder();
  const receipts = new ReceiptEncoder(terms);
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
    const params = matched.params;
    // The request as the price function sees it: `params` filled in, the rest read through (getters stay lazy).
    const view: PaywallRequest = {
      method: request.method,
      path: request.path,
      get url() {
        return request.url;
      },
      params,
      header: (name) => request.header(name),
    };
    return termsFor(matched.key, matched.route, checkPrice(await price(view)));
  }

  function decide(route: RouteTerms, request: PaywallRequest): PaywallGate | Promise<PaywallGate> {
    const header = request.header('payment-signature');
    if (header === undefined || header === '') return refused(terms, route, request, 'payment_required');
    const decoded = headers.decode(header);
    if (typeof decoded === 'string') return refused(terms, route, request, decoded);
    if (decoded.x402Version !== 2) return refused(terms, route, request, 'payment_version_unsupported');
    if (!isPaymentEnvelope(decoded)) return refused(terms, route, request, 'payment_payload_invalid');
    const reserved = verifier.reserve(decoded, route);
    return reserved instanceof Promise
      ? reserved.then((r) => gateOf(receipts, terms, route, request, r))
      : gateOf(receipts, terms, route, request, reserved);
  }

  function authorize(request: PaywallRequest): PaywallGate | Promise<PaywallGate> {
    const matched = match(request.method, request.path);
    if (!matched) return FREE;
    const route = fixed.get(matched.route);
    if (route !== undefined) return decide(route, request);
    return dynamicTerms(matched, request).then((r) => decide(r, request));
  }

  return { authorize, hashChainTop: verifier.hashChainTop, terms };
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
