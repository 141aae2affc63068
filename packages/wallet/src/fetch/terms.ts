import {
  decodePaymentHeader,
  encodePaymentHeader,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  type PaymentRequired,
  type PaymentRequirements,
  type ResourceInfo,
  readTallyOffer,
  receiptOfSettleResponse,
  type TallyOffer,
  type TallyReceipt,
  type TallyScheme,
  X402_VERSION,
} from '@tallystick/protocol';

/** A Tallystick offer chosen from a 402, with the raw entry to echo back as `accepted`. */
export interface ChosenTerms {
  readonly offer: TallyOffer;
  readonly requirements: PaymentRequirements;
  readonly resource: ResourceInfo | undefined;
}

/** The 402's `PAYMENT-REQUIRED`, decoded, or undefined when absent or unreadable. */
export function paymentRequiredOf(response: Response): PaymentRequired | undefined {
  const decoded = decodePaymentHeader(response.headers.get(PAYMENT_REQUIRED_HEADER));
  if (typeof decoded === 'string' || !Array.isArray(decoded.accepts)) return undefined;
  return decoded as unknown as PaymentRequired;
}

/** The reason a 402 gives (`PAYMENT-REQUIRED.error`). */
export function refusalOf(response: Response): string | undefined {
  return paymentRequiredOf(response)?.error;
}

/** The best Tallystick offer of a 402 that the policy accepts, by scheme preference. */
export function chooseTerms(
  required: PaymentRequired,
  preference: readonly TallyScheme[],
  accept: (offer: TallyOffer) => boolean,
): ChosenTerms | undefined {
  const candidates: ChosenTerms[] = [];
  for (const requirements of required.accepts) {
    const offer = readTallyOffer(requirements);
    if (typeof offer === 'string' || !preference.includes(offer.scheme) || !accept(offer)) continue;
    candidates.push({ offer, requirements, resource: required.resource });
  }
  candidates.sort((a, b) => preference.indexOf(a.offer.scheme) - preference.indexOf(b.offer.scheme));
  return candidates[0];
}

/**
 * A copy of the request carrying the payment. `resource` (optional in x402
 * v2) is left out: the request is for it, and every paid request carries the
 * header, so it stays small.
 */
export function withPayment(request: Request, terms: ChosenTerms, payload: Record<string, unknown>): Request {
  const paid = new Request(request);
  paid.headers.set(
    PAYMENT_SIGNATURE_HEADER,
    encodePaymentHeader({ x402Version: X402_VERSION, accepted: terms.requirements, payload }),
  );
  return paid;
}

export function receiptOf(response: Response): TallyReceipt | undefined {
  const decoded = decodePaymentHeader(response.headers.get(PAYMENT_RESPONSE_HEADER));
  return typeof decoded === 'string' ? undefined : receiptOfSettleResponse(decoded);
}
