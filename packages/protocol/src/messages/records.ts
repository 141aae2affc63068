import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { type BodyProblem, defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  AmountMinorSchema,
  CompactJwsSchema,
  CurrencySchema,
  HashChainRevealSchema,
  SequenceOrZeroSchema,
  Sha256HexSchema,
  strictObject,
  TransactionIdSchema,
} from './fields.ts';
import { PURCHASE_COUNT_MAX } from './limits.ts';
import { MESSAGE_TYPES } from './types.ts';

/*
 * The two halves of the tally (FIG 3). Both carry the same fields, so the MTA
 * compares them field by field; the purchase list itself stays with the
 * parties, only its hash travels.
 */
const recordFields = {
  transactionId: TransactionIdSchema,
  purchaseCount: Type.Integer({ minimum: 0, maximum: PURCHASE_COUNT_MAX }),
  /** Total of the purchases, in the merchant's currency. */
  totalMinor: AmountMinorSchema,
  /** The merchant's currency. */
  currency: CurrencySchema,
  /** h_purchaseCount of the purchase list (session/purchase-list.ts); h_0 when empty. */
  purchaseListHash: Sha256HexSchema,
  /** Seq of the last voucher; 0 when there is none. */
  lastSeq: SequenceOrZeroSchema,
  /** That voucher, compact JWS as signed by the session key: the MTA clears from it. */
  lastVoucher: Type.Optional(CompactJwsSchema),
  /**
   * Hash-chain metering (DESIGN §5), when the initiation committed to a chain:
   * the deepest preimage revealed (customer) or accepted (merchant). The MTA
   * clears `index × unit price` on top of the vouchers from the deepest one
   * that hashes to the committed root.
   */
  hashChain: Type.Optional(HashChainRevealSchema),
};

function checkRecord(body: {
  readonly purchaseCount: number;
  readonly totalMinor: bigint;
  readonly lastSeq: number;
  readonly lastVoucher?: string;
}): BodyProblem | undefined {
  if ((body.lastSeq === 0) !== (body.lastVoucher === undefined)) {
    return { field: 'lastVoucher', problem: 'must be present exactly when lastSeq is not 0' };
  }
  if (body.purchaseCount === 0 && (body.totalMinor !== 0n || body.lastSeq !== 0)) {
    return { field: 'purchaseCount', problem: 'is 0 but the record shows a total or a voucher' };
  }
  if (body.purchaseCount > 0 && body.lastSeq === 0) {
    return { field: 'lastSeq', problem: 'is 0 but the record shows purchases' };
  }
  return undefined;
}

/**
 * Wallet -> customer's AM -> MTA, signed by the session key (iss: pseudonym,
 * aud: the MTA's operator id). The AM relays the compact JWS unchanged, so the
 * MTA verifies the customer's own signature under the key it was given.
 */
export const CustomerRecordBodySchema = strictObject(recordFields);
export const CustomerRecordMessage = defineMessage({
  mty: MESSAGE_TYPES.customerRecord,
  schema: CustomerRecordBodySchema,
  transactionOf: (body) => body.transactionId,
  check: checkRecord,
});
export type CustomerRecordBody = StaticDecode<typeof CustomerRecordBodySchema>;
export type CustomerRecordWire = Static<typeof CustomerRecordBodySchema>;

export function signCustomerRecord(
  key: SigningKey,
  address: MessageAddress,
  body: CustomerRecordBody,
): Promise<string> {
  return signTyped(key, CustomerRecordMessage, address, body);
}

/** Merchant -> MTA, signed by the merchant (iss: merchant id, aud: MTA operator id), with its last voucher. */
export const MerchantRecordBodySchema = strictObject(recordFields);
export const MerchantRecordMessage = defineMessage({
  mty: MESSAGE_TYPES.merchantRecord,
  schema: MerchantRecordBodySchema,
  transactionOf: (body) => body.transactionId,
  check: checkRecord,
});
export type MerchantRecordBody = StaticDecode<typeof MerchantRecordBodySchema>;
export type MerchantRecordWire = Static<typeof MerchantRecordBodySchema>;

export function signMerchantRecord(
  key: SigningKey,
  address: MessageAddress,
  body: MerchantRecordBody,
): Promise<string> {
  return signTyped(key, MerchantRecordMessage, address, body);
}
