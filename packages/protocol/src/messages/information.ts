import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  CurrencySchema,
  HashChainCommitmentSchema,
  MerchantIdSchema,
  OfferIdSchema,
  PositiveAmountMinorSchema,
  PseudonymSchema,
  PublicJwkSchema,
  RateSchema,
  strictObject,
  TimestampMsSchema,
  TransactionIdSchema,
} from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * Step 3, MTA -> merchant (iss: the MTA's operator id, aud: the merchant id).
 * The deposit after exchange, in the merchant's currency: what the merchant
 * may accept vouchers up to. The trading session is keyed by the transaction id.
 */
export const InformationBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  merchantId: MerchantIdSchema,
  depositMinor: PositiveAmountMinorSchema,
  currency: CurrencySchema,
  pseudonym: PseudonymSchema,
  sessionKey: PublicJwkSchema,
  expiresAtMs: TimestampMsSchema,
  /** The rate used: customer currency (base) -> merchant currency (quote). */
  rate: RateSchema,
  offerId: OfferIdSchema,
  hashChain: Type.Optional(HashChainCommitmentSchema),
});

export const InformationMessage = defineMessage({
  mty: MESSAGE_TYPES.information,
  schema: InformationBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body, parties) => {
    if (body.merchantId !== parties.aud) return { field: 'merchantId', problem: 'must be the addressee' };
    if (body.rate.quote !== body.currency)
      return { field: 'rate.quote', problem: 'must be the merchant currency' };
    return undefined;
  },
});
export type InformationBody = StaticDecode<typeof InformationBodySchema>;
export type InformationWire = Static<typeof InformationBodySchema>;

export function signInformation(
  key: SigningKey,
  address: MessageAddress,
  body: InformationBody,
): Promise<string> {
  return signTyped(key, InformationMessage, address, body);
}
