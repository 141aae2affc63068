import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  CompactJwsSchema,
  OfferIdSchema,
  Sha256HexSchema,
  strictObject,
  TransactionIdSchema,
} from '../messages/fields.ts';
import { DESCRIPTION_LENGTH_MAX, HASH_CHAIN_LENGTH_MAX, SKU_LENGTH_MAX } from '../messages/limits.ts';
import { AMOUNT_MINOR_PATTERN } from '../money/amount.ts';
import { PAYWORD_UNITS_PER_PAYMENT_MAX } from '../payword/limits.ts';
import { X402_VERSION } from './constants.ts';

/*
 * Schemas of the x402 envelope (open: x402 adds fields over time) and of the
 * Tallystick parts inside it (closed: `extra` fields we define, the payloads).
 */

const CAIP2 = '^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$';
const Text = (max: number) => Type.String({ maxLength: max });

export const PaymentRequirementsSchema = Type.Object({
  scheme: Type.String({ minLength: 1, maxLength: 64 }),
  network: Type.String({ pattern: CAIP2 }),
  asset: Type.String({ minLength: 1, maxLength: 128 }),
  amount: Type.String({ pattern: AMOUNT_MINOR_PATTERN }),
  payTo: Type.String({ minLength: 1, maxLength: 128 }),
  maxTimeoutSeconds: Type.Number({ exclusiveMinimum: 0 }),
  extra: Type.Record(Type.String(), Type.Unknown()),
});

export const PaymentPayloadSchema = Type.Object({
  x402Version: Type.Literal(X402_VERSION),
  resource: Type.Optional(Type.Object({ url: Text(2_048) })),
  accepted: PaymentRequirementsSchema,
  payload: Type.Record(Type.String(), Type.Unknown()),
  extensions: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
});

/**
 * What a Tallystick `accepts[]` entry carries in `extra`, besides the standard
 * fields (`payTo` = merchant id, `network` = `tally:<merchant's operator>`,
 * `asset` = currency, `amount` = price in minor units): what the wallet needs
 * to open a session and to name the item it pays for.
 */
export const TallyExtraSchema = Type.Object({
  /** The merchant's offer: the initiation's `offerId`. */
  offerId: OfferIdSchema,
  /** The item (route) paid for: a voucher's `item.sku`. */
  sku: Type.String({ minLength: 1, maxLength: SKU_LENGTH_MAX }),
  description: Type.Optional(Text(DESCRIPTION_LENGTH_MAX)),
  /** `tally-payword`: the unit price to commit to, minor units of `asset`. */
  unitPriceMinor: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,18}$' })),
  /** `tally-payword`: units this resource costs (amount / unitPriceMinor). */
  units: Type.Optional(Type.Integer({ minimum: 1, maximum: PAYWORD_UNITS_PER_PAYMENT_MAX })),
});

/** `tally-voucher` payload: the signed cumulative voucher (its `txn` claim names the transaction). */
export const VoucherPayloadSchema = strictObject({ voucher: CompactJwsSchema });

/** `tally-payword` payload: reveals `w_index`, paying units index-units+1 … index. */
export const PaywordPayloadSchema = strictObject({
  transactionId: TransactionIdSchema,
  index: Type.Integer({ minimum: 1, maximum: HASH_CHAIN_LENGTH_MAX }),
  units: Type.Integer({ minimum: 1, maximum: PAYWORD_UNITS_PER_PAYMENT_MAX }),
  preimage: Sha256HexSchema,
});

export const checkPaymentPayload = Compile(PaymentPayloadSchema);
export const checkPaymentRequirements = Compile(PaymentRequirementsSchema);
export const checkTallyExtra = Compile(TallyExtraSchema);
export const checkVoucherPayload = Compile(VoucherPayloadSchema);
export const checkPaywordPayload = Compile(PaywordPayloadSchema);

export interface VoucherPayload {
  readonly voucher: string;
}
export interface PaywordPayload {
  readonly transactionId: string;
  readonly index: number;
  readonly units: number;
  readonly preimage: string;
}
