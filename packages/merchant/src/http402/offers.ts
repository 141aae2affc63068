import {
  encodePaymentHeader,
  PAYMENT_REQUIRED_HEADER,
  type PaymentRequired,
  type PaymentRequirements,
  type TallyScheme,
  tallyRequirements,
  X402_VERSION,
} from '@tallystick/protocol';
import { PAYWALL_REFUSAL_MESSAGES, type PaywallRefusal } from './errors.ts';

/** What every offer of this paywall shares. */
export interface PaywallTerms {
  readonly merchantId: string;
  readonly operatorId: string;
  readonly network: string;
  readonly currency: string;
  readonly offerId: string;
  readonly unitPriceMinor: bigint | undefined;
  readonly maxTimeoutSeconds: number;
}

/** What one request of a route costs and how it may be paid. */
export interface RouteTerms {
  readonly sku: string;
  readonly description: string;
  readonly mimeType: string;
  readonly amountMinor: bigint;
  /** `amountMinor` as on the wire. */
  readonly amount: string;
  readonly schemes: readonly TallyScheme[];
  /** Hash-chain units per request, when `tally-payword` is offered. */
  readonly units: number | undefined;
}

export interface PaywallResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function routeTerms(
  terms: PaywallTerms,
  route: { sku: string; description?: string; mimeType?: string; schemes: readonly TallyScheme[] },
  amountMinor: bigint,
): RouteTerms {
  const unit = terms.unitPriceMinor;
  const payword =
    route.schemes.includes('tally-payword') &&
    unit !== undefined &&
    amountMinor > 0n &&
    amountMinor % unit === 0n;
  return {
    sku: route.sku,
    description: route.description ?? '',
    mimeType: route.mimeType ?? 'application/json',
    amountMinor,
    amount: amountMinor.toString(),
    schemes: payword ? route.schemes : route.schemes.filter((s) => s !== 'tally-payword'),
    units: payword && unit !== undefined ? Number(amountMinor / unit) : undefined,
  };
}

export function offersOf(terms: PaywallTerms, route: RouteTerms): PaymentRequirements[] {
  return route.schemes.map((scheme) =>
    tallyRequirements({
      scheme,
      operatorId: terms.operatorId,
      merchantId: terms.merchantId,
      currency: terms.currency,
      amountMinor: route.amountMinor,
      offerId: terms.offerId,
      sku: route.sku,
      ...(route.description ? { description: route.description } : {}),
      ...(scheme === 'tally-payword' && terms.unitPriceMinor !== undefined && route.units !== undefined
        ? { unitPriceMinor: terms.unitPriceMinor, units: route.units }
        : {}),
      maxTimeoutSeconds: terms.maxTimeoutSeconds,
    }),
  );
}

/**
 * The echoed requirements must be this route's, for this request: the scheme
 * offered, this merchant at this operator, this currency and price, this
 * offer and item. Field by field (no deep copy) on the hot path.
 */
export function matchAccepted(
  terms: PaywallTerms,
  route: RouteTerms,
  accepted: PaymentRequirements,
): TallyScheme | PaywallRefusal {
  const scheme = accepted.scheme as TallyScheme;
  if (!route.schemes.includes(scheme)) return 'payment_scheme_unsupported';
  const extra = accepted.extra;
  if (
    accepted.network !== terms.network ||
    accepted.payTo !== terms.merchantId ||
    accepted.asset !== terms.currency ||
    accepted.amount !== route.amount ||
    extra.offerId !== terms.offerId ||
    extra.sku !== route.sku
  ) {
    return 'payment_requirements_mismatch';
  }
  if (
    scheme === 'tally-payword' &&
    (extra.units !== route.units || extra.unitPriceMinor !== String(terms.unitPriceMinor))
  ) {
    return 'payment_requirements_mismatch';
  }
  return scheme;
}

/** A 402: `PAYMENT-REQUIRED` with the offers and the reason, and the same reason as a JSON error body. */
export function challenge(
  terms: PaywallTerms,
  route: RouteTerms,
  url: string,
  reason: PaywallRefusal,
): PaywallResponse {
  const required: PaymentRequired = {
    x402Version: X402_VERSION,
    error: reason,
    resource: { url, description: route.description, mimeType: route.mimeType },
    accepts: offersOf(terms, route),
  };
  return {
    status: 402,
    headers: {
      [PAYMENT_REQUIRED_HEADER]: encodePaymentHeader(required),
      'content-type': 'application/json',
      'cache-control': 'no-store',
    },
    body: JSON.stringify({
      error: { code: reason, message: PAYWALL_REFUSAL_MESSAGES[reason] },
      x402Version: 2,
    }),
  };
}
