import type { Rate } from '@tallystick/protocol';
import { type Static, Type } from 'typebox';

export const PURCHASE_REQUEST_MESSAGE_TYPE = 'tally.purchase-request';
export const AFFIRMATION_MESSAGE_TYPE = 'tally.purchase-affirmation';
export const PURCHASE_ITEMS_MAX = 50;
/** A request may stay open at most this long; the customer answers within it or not at all. */
export const REQUEST_TTL_SECONDS_MAX = 7 * 24 * 3600;
export const PENDING_PAGE_MAX = 100;
/** The operator's fee on a request-to-pay: fixed + basis points of the amount, rounded up (operator's favour). */
export const REQUEST_FEE = { fixedMinor: 10n, basisPoints: 150n } as const;

const Text = (max: number) =>
  Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\x00-\\x1f\\x7f]+$' });

export const EntryInput = Type.Object(
  {
    event: Text(200),
    seat: Type.Optional(Text(40)),
    gate: Type.Optional(Text(40)),
    validFrom: Type.String({ format: 'date-time' }),
    validUntil: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const PurchaseItem = Type.Object(
  {
    kind: Type.Union([Type.Literal('goods'), Type.Literal('ticket'), Type.Literal('service')]),
    description: Text(200),
    quantity: Type.Integer({ minimum: 1, maximum: 100 }),
    unitPriceMinor: Type.String({ pattern: '^(0|[1-9][0-9]{0,17})$' }),
    entry: Type.Optional(EntryInput),
  },
  { additionalProperties: false },
);
export type PurchaseItem = Static<typeof PurchaseItem>;

/** What the merchant signs ("first connection"). */
export const PurchaseRequestBody = Type.Object(
  {
    requestId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    // The alias the customer gave (`ref-...`), `@<operator>` when she is at another operator:
    // a token, so no control character reaches the lookup.
    customerRef: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9._-]{1,64}(@[a-z0-9][a-z0-9-]{1,31})?$',
    }),
    amountMinor: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    description: Text(200),
    items: Type.Array(PurchaseItem, { minItems: 1, maxItems: PURCHASE_ITEMS_MAX }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type PurchaseRequestBody = Static<typeof PurchaseRequestBody>;

/** What the customer signs ("second connection"): it names what it agrees to, not just the id. */
export const AffirmationBody = Type.Object(
  {
    requestId: Type.String({ maxLength: 64 }),
    decision: Type.Union([Type.Literal('affirm'), Type.Literal('decline')]),
    amountMinor: Type.String({ maxLength: 20 }),
    currency: Type.String({ maxLength: 3 }),
    merchantId: Type.String({ maxLength: 64 }),
    itemsHash: Type.String({ maxLength: 64 }),
    // What she pays in her own currency: required when the merchant is at another operator.
    chargeMinor: Type.Optional(Type.String({ maxLength: 20 })),
    chargeCurrency: Type.Optional(Type.String({ maxLength: 3 })),
  },
  { additionalProperties: false },
);
export type AffirmationBody = Static<typeof AffirmationBody>;

/** `reversed`: affirmed at the customer's operator, refused for good by the merchant's, and refunded. */
export type RequestStatus = 'pending' | 'affirmed' | 'declined' | 'expired' | 'reversed';

export interface PurchaseRequest {
  readonly id: string;
  readonly merchantId: string;
  readonly merchantRequestId: string;
  /** Null at the merchant's operator when the customer is at another operator. */
  readonly customerId: string | null;
  readonly customerRef: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly description: string;
  readonly items: readonly PurchaseItem[];
  readonly itemsHash: string;
  readonly expiresAt: Date;
  readonly status: RequestStatus;
  readonly transferId: string | null;
  readonly feeMinor: bigint | null;
  readonly answeredAt: Date | null;
  readonly createdAt: Date;
  /** Set when the other party is at another operator (cross-operator request-to-pay). */
  readonly cross: CrossOperatorSide | null;
}

export interface CrossOperatorSide {
  /** Which end this operator is: the merchant's (MTA-like) or the customer's (AM-like). */
  readonly role: 'merchant_operator' | 'customer_operator';
  readonly peerOperatorId: string;
  /** What the customer pays in her currency: the amount converted at `rate`, rounded up. */
  readonly chargeMinor: bigint;
  readonly chargeCurrency: string;
  /** Customer currency (base) -> merchant currency (quote), as the merchant's operator quoted it. */
  readonly rate: Rate;
  /** At the merchant's operator, once she answered: how her operator names her to the merchant. */
  readonly customerPseudonym: string | null;
}

export function requestFee(amountMinor: bigint): bigint {
  const variable = (amountMinor * REQUEST_FEE.basisPoints + 9_999n) / 10_000n;
  const fee = REQUEST_FEE.fixedMinor + variable;
  return fee > amountMinor ? amountMinor : fee;
}
