import {
  checkVoucherPayload,
  HASH_CHAIN_LENGTH_MAX,
  isCurrency,
  PAYWORD_UNITS_PER_PAYMENT_MAX,
  type PaymentPayload,
  type PaymentRequirements,
  readTallyOffer,
  TALLY_SCHEMES,
  type TallyScheme,
  tallyNetwork,
} from '@tallystick/protocol';
import type { Merchant } from '../merchant.ts';
import { hashChainSources, merchantContexts, terminateListeners } from '../session/context.ts';
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
import { isPaywordPayload } from './payload-check.ts';
import {
  createPaywordLanes,
  type PaywordHold,
  type PaywordLanes,
  type PaywordSettled,
} from './payword-lanes.ts';
import type { VoucherVerifyMode } from './voucher-check.ts';
import {
  createVoucherLanes,
  type VoucherLanes,
  type VoucherReservation,
  type VoucherSettled,
} from './voucher-lanes.ts';

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
  /**
   * Where voucher signatures are verified (default `worker`): `worker`, one
   * worker thread fed in batches (every voucher read in one turn of the event
   * loop goes over in one message, its answers come back in one); `threadpool`,
   * libuv's thread pool, one task and one completion per voucher; `inline`,
   * on the event loop (no hand-over and a synchronous `authorize`, the better
   * choice when every core is busy anyway). Off the event loop another core
   * does the ~70 µs of P-256 arithmetic while the event loop serves other
   * requests.
   */
  readonly voucherVerify?: VoucherVerifyMode;
  /** @deprecated `voucherVerify`: true is `'threadpool'`, false `'inline'`. */
  readonly voucherVerifyOnThreadPool?: boolean;
}

export type Settled = (VoucherSettled | PaywordSettled) & { readonly scheme: TallyScheme };

/** A verified payment, held until the resource was served. */
export interface Reserved {
  readonly scheme: TallyScheme;
  /** Charges it: a receipt, or why it could not be recorded. Once. Synchronous for hash chains. */
  settle(): Settled | PaywallRefusal | Promise<Settled | PaywallRefusal>;
  /** Charges nothing. Idempotent, and a no-op after `settle`. */
  cancel(): void;
}

export interface PaymentVerifier {
  readonly terms: PaywallTerms;
  /**
   * Checks a decoded `PAYMENT-SIGNATURE` (already shape-checked as an x402
   * v2 envelope) against the terms of the resource and reserves it.
   * Synchronous for a hash chain whose transaction is in memory.
   */
  reserve(
    payment: PaymentPayload,
    route: RouteTerms,
  ): Reserved | PaywallRefusal | Promise<Reserved | PaywallRefusal>;
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
    verify:
      options.voucherVerify ??
      (options.voucherVerifyOnThreadPool === undefined
        ? 'worker'
        : options.voucherVerifyOnThreadPool
          ? 'threadpool'
          : 'inline'),
  });
  const paywords = createPaywordLanes(ctx, {
    lanesMax: PAYWALL_LANES_MAX,
    statusRefreshMs: PAYWORD_STATUS_REFRESH_MS,
  });
  hashChainSources.set(ctx, [...(hashChainSources.get(ctx) ?? []), paywords.top]);
  terminateListeners.set(ctx, [...(terminateListeners.get(ctx) ?? []), paywords.close]);

  const reservePayword = (payload: Record<string, unknown>, route: RouteTerms) => {
    if (!isPaywordPayload(payload, HASH_CHAIN_LENGTH_MAX, PAYWORD_UNITS_PER_PAYMENT_MAX)) {
      return 'payment_payload_invalid';
    }
    if (payload.units !== route.units) return 'payword_wrong_units';
    const held = paywords.reserve(payload, terms.unitPriceMinor as bigint);
    return held instanceof Promise ? held.then((h) => heldPayword(paywords, h)) : heldPayword(paywords, held);
  };

  const reserveVoucher = (payload: Record<string, unknown>, route: RouteTerms) => {
    if (typeof payload.voucher !== 'string' || !checkVoucherPayload.Check(payload)) {
      return 'payment_payload_invalid';
    }
    const held = vouchers.reserve(payload.voucher, { sku: route.sku, priceMinor: route.amountMinor });
    return held instanceof Promise ? held.then((h) => heldVoucher(vouchers, h)) : heldVoucher(vouchers, held);
  };

  return {
    terms,
    reserve(payment, route) {
      const scheme = matchAccepted(terms, route, payment.accepted);
      if (scheme === TALLY_SCHEMES.payword) return reservePayword(payment.payload, route);
      if (scheme === TALLY_SCHEMES.voucher) return reserveVoucher(payment.payload, route);
      return scheme;
    },
    hashChainTop: (id) => paywords.top(id),
  };
}

function heldPayword(lanes: PaywordLanes, hold: PaywordHold | PaywallRefusal): HeldPayword | PaywallRefusal {
  return typeof hold === 'string' ? hold : new HeldPayword(lanes, hold);
}

/** Hash-chain units held for one request (a class: no closures on the hot path). */
class HeldPayword implements Reserved {
  readonly scheme = TALLY_SCHEMES.payword;
  #done = false;
  constructor(
    private readonly lanes: PaywordLanes,
    private readonly hold: PaywordHold,
  ) {}
  settle(): Settled {
    if (this.#done) throw new Error('assertion: a payment settled or cancelled twice');
    this.#done = true;
    return this.lanes.settle(this.hold);
  }
  cancel(): void {
    if (this.#done) return;
    this.#done = true;
    this.lanes.cancel(this.hold);
  }
}

function heldVoucher(
  lanes: VoucherLanes,
  held: VoucherReservation | PaywallRefusal,
): HeldVoucher | PaywallRefusal {
  return typeof held === 'string' ? held : new HeldVoucher(lanes, held);
}

class HeldVoucher implements Reserved {
  readonly scheme = TALLY_SCHEMES.voucher;
  #done = false;
  constructor(
    private readonly lanes: VoucherLanes,
    private readonly held: VoucherReservation,
  ) {}
  async settle(): Promise<Settled | PaywallRefusal> {
    if (this.#done) throw new Error('assertion: a payment settled or cancelled twice');
    this.#done = true;
    const settled = await this.lanes.settle(this.held);
    return typeof settled === 'string' ? settled : { ...settled, scheme: this.scheme };
  }
  cancel(): void {
    if (this.#done) return;
    this.#done = true;
    this.lanes.cancel(this.held);
  }
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
