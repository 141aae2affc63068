import { type Static, type StaticDecode, Type } from 'typebox';
import { isWellFormedText } from '../session/purchase-list.ts';
import { defineMessage } from './define.ts';
import {
  AmountMinorSchema,
  CurrencySchema,
  SequenceSchema,
  Sha256HexSchema,
  strictObject,
  TimestampMsSchema,
  TransactionIdSchema,
} from './fields.ts';
import { DESCRIPTION_LENGTH_MAX, SKU_LENGTH_MAX } from './limits.ts';
import { MESSAGE_TYPES } from './types.ts';

const wellFormed = () => 'must be well-formed Unicode (no lone surrogates)';

/**
 * The purchase this voucher pays for: a purchase-list entry without its seq
 * (the list position), so the merchant can extend its own list and compare
 * hashes. Optional: note that the last voucher reaches the MTA inside the
 * records, so an item there is visible to the merchant's operator.
 */
export const VoucherItemSchema = strictObject({
  sku: Type.Refine(Type.String({ minLength: 1, maxLength: SKU_LENGTH_MAX }), isWellFormedText, wellFormed),
  description: Type.Refine(Type.String({ maxLength: DESCRIPTION_LENGTH_MAX }), isWellFormedText, wellFormed),
  priceMinor: AmountMinorSchema,
  atMs: TimestampMsSchema,
});

/**
 * A signed cumulative voucher (DESIGN §5), wallet -> merchant, signed by the
 * session key (iss: pseudonym, aud: merchant id, txn: transaction id). The
 * newest voucher alone proves everything owed so far. Create and check it
 * with `createVoucher` / `verifyVoucher` (voucher/).
 */
export const VoucherBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  seq: SequenceSchema,
  /** Everything owed so far in this transaction, in the merchant's currency. */
  cumulativeMinor: AmountMinorSchema,
  /** The merchant's currency. */
  currency: CurrencySchema,
  purchaseListHash: Sha256HexSchema,
  item: Type.Optional(VoucherItemSchema),
});

export const VoucherMessage = defineMessage({
  mty: MESSAGE_TYPES.voucher,
  schema: VoucherBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body) =>
    body.item && body.item.priceMinor > body.cumulativeMinor
      ? { field: 'item.priceMinor', problem: 'exceeds the cumulative amount' }
      : undefined,
});
export type VoucherBody = StaticDecode<typeof VoucherBodySchema>;
export type VoucherWire = Static<typeof VoucherBodySchema>;
export type VoucherItem = NonNullable<VoucherBody['item']>;
