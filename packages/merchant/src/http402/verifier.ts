import {
  checkPaywordPayload,
  checkVoucherPayload,
  isCurrency,
  type PaymentPayload,
  type PaymentRequirements,
  type PaywordPayload,
  readTallyOffer,
  TALLY_SCHEMES,
  type TallyScheme,
  tallyNetwork,
} from '@tallystick/protocol';
import type { Merchant } from '../merchant.ts';
import { hashChainSources, merchantContexts } from '../session/context.ts';
import { PaywallConfigError, type PaywallRefusal } from './errors.ts';
import {
  PAYMENT_TIMEOUT_SECONDS,
  PAYWALL_LANES_MAX,
  PAYWALL_OFFER_ID_DEFAULT,
  PAYWORD_STATUS_REFRESH_MS,
  VOUCHER_WAIT_MS,
  VOUCHER_WAITERS_MAX,
} from './limits.ts';
import { matchAccepted, type PaywallTerms, type RouteTerms } from './offers.ts';
import { createPaywordLanes, type PaywordSettled } from './payword-lanes.ts';
import { createVoucherLanes, type VoucherSettled } from './voucher-lanes.ts';

export interface VerifierOptions {
  /** The merchant's currency: every price must be in it. */
  readonly currency: string;
  /** The offer id wallets open sessions for (the initiation's `offerId`). */
  readonly offerId?: string;
  /** The hash-chain unit price; without it only vouchers are accepted. */
  readonly unitPriceMinor?: bigint;
  readonly maxTimeoutSeconds?: number;
  /** How long a voucher that arrived ahead of its predecessor waits for it. */
  readonly voucherWaitMs?: number;
}

export type Settled = (VoucherSettled | PaywordSettled) & { readonly scheme: TallyScheme };

/** A verified payment, held until the resource was served. */
export interface Reserved {
  readonly scheme: TallyScheme;
  /** Charges it: a receipt, or why it could not be recorded. Once. */
  settle(): Promise<Settled | PaywallRefusal>;
  /** Charges nothing. Idempotent, and a no-op after `settle`. */
  cancel(): void;
}

export interface PaymentVerifier {
  readonly terms: PaywallTerms;
  /** Checks a decoded `PAYMENT-SIGNATURE` against the terms of the resource and reserves it. */
  reserve(payment: PaymentPayload, route: RouteTerms): Promise<Reserved | PaywallRefusal>;
  /** The highest hash-chain preimage accepted in a transaction: the clearing proof. */
  hashChainTop(transactionId: string): { readonly index: number; readonly preimageHex: string } | undefined;
}

/**
 * Local verification of x402 payments through the merchant SDK, without
 * HTTP: the paywall and the x402 facilitator (`@tallystick/x402`) share it.
 * Vouchers: one signature check, charged with the store's compare-and-swap;
 * hash chains: one hash, charged in memory.
 */
export function createPaymentVerifier(merchant: Merchant, options: VerifierOptions): PaymentVerifier {
  const ctx = merchantContexts.get(merchant);
  if (!ctx) throw new PaywallConfigError('expected a merchant made by createMerchant');
  if (!isCurrency(options.currency)) throw new PaywallConfigError(`unknown currency ${options.currency}`);
  const terms: PaywallTerms = {
    merchantId: ctx.merchantId,
    operatorId: ctx.operatorId,
    network: tallyNetwork(ctx.operatorId),
    currency: options.currency,
    offerId: options.offerId ?? PAYWALL_OFFER_ID_DEFAULT,
    unitPriceMinor: options.unitPriceMinor,
    maxTimeoutSeconds: options.maxTimeoutSeconds ?? PAYMENT_TIMEOUT_SECONDS,
  };
  const vouchers = createVoucherLanes(ctx, {
    waitMs: options.voucherWaitMs ?? VOUCHER_WAIT_MS,
    waitersMax: VOUCHER_WAITERS_MAX,
    lanesMax: PAYWALL_LANES_MAX,
  });
  const paywords = createPaywordLanes(ctx, {
    lanesMax: PAYWALL_LANES_MAX,
    statusRefreshMs: PAYWORD_STATUS_REFRESH_MS,
  });
  hashChainSources.set(ctx, [...(hashChainSources.get(ctx) ?? []), paywords.top]);

  async function reserve(payment: PaymentPayload, route: RouteTerms): Promise<Reserved | PaywallRefusal> {
    const scheme = matchAccepted(terms, route, payment.accepted);
    const payload = payment.payload;
    if (scheme === TALLY_SCHEMES.voucher) {
      if (!checkVoucherPayload.Check(payload)) return 'payment_payload_invalid';
      const held = await vouchers.reserve(payload.voucher as string, {
        sku: route.sku,
        priceMinor: route.amountMinor,
      });
      if (typeof held === 'string') return held;
      return once(
        scheme,
        () => vouchers.settle(held),
        () => vouchers.cancel(held),
      );
    }
    if (scheme === TALLY_SCHEMES.payword) {
      if (!checkPaywordPayload.Check(payload)) return 'payment_payload_invalid';
      const p = payload as unknown as PaywordPayload;
      if (p.units !== route.units) return 'payword_wrong_units';
      const held = await paywords.reserve(p, terms.unitPriceMinor as bigint);
      if (typeof held === 'string') return held;
      return once(
        scheme,
        () => paywords.settle(held),
        () => paywords.cancel(held),
      );
    }
    return scheme;
  }

  return { terms, reserve, hashChainTop: (id) => paywords.top(id) };
}

function once(
  scheme: TallyScheme,
  settle: () => VoucherSettled | PaywordSettled | PaywallRefusal | Promise<VoucherSettled | PaywallRefusal>,
  cancel: () => void,
): Reserved {
  let done = false;
  return {
    scheme,
    async settle() {
      if (done) throw new Error('assertion: a payment settled or cancelled twice');
      done = true;
      const settled = await settle();
      return typeof settled === 'string' ? settled : { ...settled, scheme };
    },
    cancel() {
      if (done) return;
      done = true;
      cancel();
    },
  };
}

/**
 * The terms of a resource as stated by its own `accepts[]` entry: for a
 * server that matched the echoed requirements to the route already (the
 * stock x402 resource server does), so the facilitator checks the proof
 * against exactly what was offered.
 */
export function routeTermsOfRequirements(requirements: PaymentRequirements): RouteTerms | PaywallRefusal {
  const offer = readTallyOffer(requirements);
  if (typeof offer === 'string') return offer;
  return {
    sku: offer.sku,
    description: offer.description ?? '',
    mimeType: '',
    amountMinor: offer.amountMinor,
    amount: requirements.amount,
    schemes: [offer.scheme],
    units: offer.units,
  };
}
