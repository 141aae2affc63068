import { isMerchantId } from '../ids/identity.ts';
import { parseAmountMinor } from '../money/amount.ts';
import { isCurrency } from '../money/currency.ts';
import { isTallyScheme, type TallyScheme } from './constants.ts';
import type { X402Error } from './errors.ts';
import { operatorOfNetwork, tallyNetwork } from './network.ts';
import { checkPaymentRequirements, checkTallyExtra } from './schemas.ts';
import type { PaymentRequirements } from './types.ts';

/** One Tallystick `accepts[]` entry, decoded. */
export interface TallyOffer {
  readonly scheme: TallyScheme;
  /** The merchant's operator (MTA). */
  readonly operatorId: string;
  readonly merchantId: string;
  /** The merchant's currency (ISO 4217). */
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly offerId: string;
  readonly sku: string;
  readonly description?: string;
  /** `tally-payword` only. */
  readonly unitPriceMinor?: bigint;
  readonly units?: number;
  readonly maxTimeoutSeconds: number;
}

/** Default `maxTimeoutSeconds`: how long the merchant waits for the paid retry. */
export const PAYMENT_TIMEOUT_SECONDS_DEFAULT = 300;

/** Encodes an offer as an x402 v2 `accepts[]` entry. */
export function tallyRequirements(offer: TallyOffer): PaymentRequirements {
  const payword = offer.scheme === 'tally-payword';
  if (payword && (offer.unitPriceMinor === undefined || offer.units === undefined)) {
    throw new Error('a tally-payword offer needs unitPriceMinor and units');
  }
  return {
    scheme: offer.scheme,
    network: tallyNetwork(offer.operatorId),
    asset: offer.currency,
    amount: offer.amountMinor.toString(),
    payTo: offer.merchantId,
    maxTimeoutSeconds: offer.maxTimeoutSeconds,
    extra: {
      offerId: offer.offerId,
      sku: offer.sku,
      ...(offer.description !== undefined ? { description: offer.description } : {}),
      ...(payword ? { unitPriceMinor: String(offer.unitPriceMinor), units: offer.units } : {}),
    },
  };
}

/** Decodes an `accepts[]` entry the wallet was offered; anything not a well-formed Tallystick offer is refused. */
export function readTallyOffer(requirements: unknown): TallyOffer | X402Error {
  if (!checkPaymentRequirements.Check(requirements)) return 'payment_payload_invalid';
  const r = requirements as PaymentRequirements;
  if (!isTallyScheme(r.scheme)) return 'payment_scheme_unsupported';
  const operatorId = operatorOfNetwork(r.network);
  if (operatorId === undefined) return 'payment_scheme_unsupported';
  const amountMinor = parseAmountMinor(r.amount);
  if (typeof amountMinor !== 'bigint' || !isCurrency(r.asset) || !isMerchantId(r.payTo)) {
    return 'payment_payload_invalid';
  }
  if (!checkTallyExtra.Check(r.extra)) return 'payment_payload_invalid';
  const extra = r.extra as {
    offerId: string;
    sku: string;
    description?: string;
    unitPriceMinor?: string;
    units?: number;
  };
  const unitPriceMinor = extra.unitPriceMinor === undefined ? undefined : BigInt(extra.unitPriceMinor);
  if (r.scheme === 'tally-payword') {
    if (unitPriceMinor === undefined || extra.units === undefined) return 'payment_payload_invalid';
    if (unitPriceMinor * BigInt(extra.units) !== amountMinor) return 'payment_payload_invalid';
  }
  return {
    scheme: r.scheme,
    operatorId,
    merchantId: r.payTo,
    currency: r.asset,
    amountMinor,
    offerId: extra.offerId,
    sku: extra.sku,
    ...(extra.description !== undefined ? { description: extra.description } : {}),
    ...(unitPriceMinor !== undefined ? { unitPriceMinor } : {}),
    ...(extra.units !== undefined ? { units: extra.units } : {}),
    maxTimeoutSeconds: r.maxTimeoutSeconds,
  };
}
