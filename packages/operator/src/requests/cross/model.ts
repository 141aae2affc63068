import { createHash } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { PurchaseItem } from '../model.ts';

/** Merchant's operator -> customer's operator: the request, with the charge in her currency. */
export const RTP_FORWARD_MESSAGE_TYPE = 'tally.rtp-forward';
/** Customer's operator -> merchant's operator: her answer, after her side is booked. */
export const RTP_ANSWER_MESSAGE_TYPE = 'tally.rtp-answer';
export const RTP_FORWARD_PATH = '/v1/peer/purchase-requests';
export const RTP_ANSWER_PATH = '/v1/peer/purchase-request-answers';
/** An answer that cannot reach the merchant's operator is retried this many times, then left for an operator. */
export const RELAY_ATTEMPTS_MAX = 25;
export const RELAYS_PER_ROUND_MAX = 20;

const Minor = Type.String({ pattern: '^[1-9][0-9]{0,17}$' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Factor = Type.String({ pattern: '^[1-9][0-9]{0,30}$' });
const Token = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' });
const Text = (max: number) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\x00-\\x1f\\x7f]+$' });

export const RateWire = Type.Object(
  { base: Currency, quote: Currency, numerator: Factor, denominator: Factor },
  { additionalProperties: false },
);

export const ForwardBody = Type.Object(
  {
    requestId: Type.String({ pattern: '^prq-[a-f0-9]{40}$' }),
    merchantId: Token,
    merchantRequestId: Token,
    customerRef: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    amountMinor: Minor,
    currency: Currency,
    chargeMinor: Minor,
    chargeCurrency: Currency,
    rate: RateWire,
    description: Text(200),
    items: Type.Array(PurchaseItem, { minItems: 1, maxItems: 50 }),
    itemsHash: Type.String({ pattern: '^[a-f0-9]{64}$' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ForwardBody = Static<typeof ForwardBody>;

export const AnswerRelayBody = Type.Object(
  {
    requestId: Type.String({ pattern: '^prq-[a-f0-9]{40}$' }),
    decision: Type.Union([Type.Literal('affirm'), Type.Literal('decline')]),
    amountMinor: Minor,
    currency: Currency,
    chargeMinor: Minor,
    chargeCurrency: Currency,
    itemsHash: Type.String({ pattern: '^[a-f0-9]{64}$' }),
    answeredAt: Type.String({ format: 'date-time' }),
    method: Type.Union([Type.Literal('jws'), Type.Literal('webauthn')]),
    /**
     * Who she is to the merchant: the pseudonym of the alias she gave, never
     * her id. The merchant's operator names her by it on the items it issues.
     */
    customerPseudonym: Token,
    /** The customer's own signed answer, kept for non-repudiation (her operator vouches for it). */
    customerAnswer: Type.String({ minLength: 1, maxLength: 65_536 }),
  },
  { additionalProperties: false },
);
export type AnswerRelayBody = Static<typeof AnswerRelayBody>;

/**
 * One id for the request at both operators, derived from what the merchant
 * chose, so a retried submission forwards the same id and the customer's
 * operator answers it as a retry.
 */
export function crossRequestId(operatorId: string, merchantId: string, merchantRequestId: string): string {
  const digest = createHash('sha256')
    .update(`${operatorId}\n${merchantId}\n${merchantRequestId}`)
    .digest('hex');
  return `prq-${digest.slice(0, 40)}`;
}

/** `ref-x@op-a` -> alias and operator; a bare alias names this operator. */
export function splitCustomerRef(ref: string): { alias: string; operatorId: string | undefined } {
  const at = ref.indexOf('@');
  return at < 0
    ? { alias: ref, operatorId: undefined }
    : { alias: ref.slice(0, at), operatorId: ref.slice(at + 1) };
}
