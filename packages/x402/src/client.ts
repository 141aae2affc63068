import { readTallyOffer, TALLY_NETWORK_PATTERN, TALLY_SCHEMES, type TallyScheme } from '@tallystick/protocol';
import {
  createSessionPool,
  type TradingSession,
  UNITS_SPENT_REASONS,
  type UnitPayment,
  type Wallet,
  WRAP_FETCH_DEFAULTS,
} from '@tallystick/wallet';
import type { x402Client } from '@x402/core/client';
import type {
  PaymentPayloadContext,
  PaymentPayloadResult,
  PaymentRequirements,
  SchemeNetworkClient,
} from '@x402/core/types';
import { createLocks } from './locks.ts';

export interface TallyClientOptions {
  /** Deposit held per transaction, in the customer's currency. */
  readonly maxDepositMinor: bigint;
  /** The most one payment may cost, in the merchant's currency. */
  readonly maxPriceMinor: bigint;
  readonly timeoutSeconds?: number;
  readonly hashChainLength?: number;
  /** A voucher whose response never came back stops holding its session after this long. */
  readonly voucherHoldMs?: number;
}

/** A 402 with one of these reasons after paying asks the stock client to pay again (once). */
const RETRY_REASONS = new Set([
  'voucher_stale_seq',
  'voucher_out_of_order',
  'session_busy',
  'payment_not_settled',
  'payword_replayed',
]);
const VOUCHER_HOLD_MS = 30_000;

type Pending =
  | {
      readonly kind: 'voucher';
      readonly session: TradingSession;
      readonly seq: number;
      readonly transactionId: string;
      readonly release: () => void;
    }
  | { readonly kind: 'units'; readonly session: TradingSession; readonly payment: UnitPayment };

/**
 * The Tallystick schemes for a stock `@x402/core` client (`@x402/fetch`,
 * `@x402/axios`): `tally-voucher` and `tally-payword` pay through the
 * wallet's trading sessions. Register them on `tally:*`.
 *
 * @example
 * const client = new x402Client();
 * registerTallyClient(client, wallet, { maxDepositMinor: 10_000n, maxPriceMinor: 100n });
 * client.setSpendControls({ allowedAssets: [{ network: 'tally:*', asset: 'SEK', maxAmountPerPayment: '100' }] });
 * const paidFetch = wrapFetchWithPayment(fetch, client);
 */
export function tallyClientSchemes(wallet: Wallet, options: TallyClientOptions): SchemeNetworkClient[] {
  const pool = createSessionPool(wallet, {
    depositMinor: options.maxDepositMinor,
    timeoutSeconds: options.timeoutSeconds ?? WRAP_FETCH_DEFAULTS.timeoutSeconds,
    hashChainLength: options.hashChainLength ?? WRAP_FETCH_DEFAULTS.hashChainLength,
  });
  const locks = createLocks(options.voucherHoldMs ?? VOUCHER_HOLD_MS);
  const pending = new Map<string, Pending>();

  const create = async (
    scheme: TallyScheme,
    requirements: PaymentRequirements,
    context?: PaymentPayloadContext,
  ): Promise<PaymentPayloadResult> => {
    const offer = readTallyOffer(requirements);
    if (typeof offer === 'string') throw new Error(`tallystick: ${offer}`);
    if (offer.scheme !== scheme) throw new Error('tallystick: scheme mismatch');
    const cap = context?.maxAmountPerPayment;
    if (offer.amountMinor > options.maxPriceMinor || (cap !== undefined && offer.amountMinor > BigInt(cap))) {
      throw new Error(
        `tallystick: ${offer.amountMinor} ${offer.currency} minor units is above the price limit`,
      );
    }
    const session = await pool.get(offer);
    if (scheme === TALLY_SCHEMES.payword) {
      const payment = await session.payUnits(offer.units ?? 1);
      const payload = {
        transactionId: payment.transactionId,
        index: payment.index,
        units: payment.units,
        preimage: payment.preimageHex,
      };
      pending.set(keyOf(payload), { kind: 'units', session, payment });
      return { x402Version: 2, payload };
    }
    const release = await locks.acquire(session);
    try {
      const payment = await session.pay({
        sku: offer.sku,
        description: offer.description ?? '',
        priceMinor: offer.amountMinor,
      });
      const payload = { voucher: payment.voucher };
      pending.set(keyOf(payload), {
        kind: 'voucher',
        session,
        seq: payment.seq,
        transactionId: payment.transactionId,
        release,
      });
      return { x402Version: 2, payload };
    } catch (error) {
      release();
      throw error;
    }
  };

  const onPaymentResponse = async (ctx: {
    paymentPayload: { payload: Record<string, unknown> };
    settleResponse?: { success: boolean };
    paymentRequired?: { error?: string };
  }) => {
    const key = keyOf(ctx.paymentPayload.payload);
    const entry = pending.get(key);
    if (!entry) return undefined;
    pending.delete(key);
    const paid = ctx.settleResponse?.success === true;
    const reason = ctx.paymentRequired?.error ?? '';
    if (entry.kind === 'voucher') {
      if (!paid)
        await entry.session
          .retract({ transactionId: entry.transactionId, seq: entry.seq })
          .catch(() => undefined);
      entry.release();
    } else if (!paid && !UNITS_SPENT_REASONS.has(reason)) {
      entry.session.returnUnits(entry.payment);
    }
    return !paid && RETRY_REASONS.has(reason) ? ({ recovered: true } as const) : undefined;
  };

  return [TALLY_SCHEMES.voucher, TALLY_SCHEMES.payword].map((scheme) => ({
    scheme,
    schemeHooks: { onPaymentResponse },
    createPaymentPayload: (
      _version: number,
      requirements: PaymentRequirements,
      context?: PaymentPayloadContext,
    ) => create(scheme, requirements, context),
  }));
}

/** Registers both Tallystick schemes on every `tally:` network of a stock x402 client. */
export function registerTallyClient(
  client: x402Client,
  wallet: Wallet,
  options: TallyClientOptions,
): x402Client {
  for (const scheme of tallyClientSchemes(wallet, options)) client.register(TALLY_NETWORK_PATTERN, scheme);
  return client;
}

function keyOf(payload: Record<string, unknown>): string {
  return typeof payload.voucher === 'string'
    ? payload.voucher
    : `${String(payload.transactionId)}:${String(payload.index)}:${String(payload.units)}`;
}
