import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  CurrencySchema,
  HashChainCommitmentSchema,
  MerchantIdSchema,
  OfferIdSchema,
  OperatorIdSchema,
  PositiveAmountMinorSchema,
  PublicJwkSchema,
  strictObject,
} from './fields.ts';
import { PURCHASE_COUNT_MAX, SESSION_TIMEOUT_SECONDS_MAX, SESSION_TIMEOUT_SECONDS_MIN } from './limits.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * Step 1, wallet -> customer's AM (iss: the customer's account at the AM,
 * aud: the AM's operator id). No transaction yet: the AM assigns it.
 * The offer is named by the merchant's opaque id only, not its resource URL:
 * the seed keeps what is bought hidden from the operators.
 */
export const InitiationBodySchema = strictObject({
  /** Order size: how many purchases the customer expects to make. */
  purchaseCountExpected: Type.Integer({ minimum: 1, maximum: PURCHASE_COUNT_MAX }),
  /** Deposit to hold, in the customer's currency. */
  depositMinor: PositiveAmountMinorSchema,
  currency: CurrencySchema,
  merchantId: MerchantIdSchema,
  /** Locates the MTA through the operator directory. */
  merchantOperatorId: OperatorIdSchema,
  timeoutSeconds: Type.Integer({
    minimum: SESSION_TIMEOUT_SECONDS_MIN,
    maximum: SESSION_TIMEOUT_SECONDS_MAX,
  }),
  sessionKey: PublicJwkSchema,
  hashChain: Type.Optional(HashChainCommitmentSchema),
  offerId: OfferIdSchema,
});

export const InitiationMessage = defineMessage({
  mty: MESSAGE_TYPES.initiation,
  schema: InitiationBodySchema,
});
export type InitiationBody = StaticDecode<typeof InitiationBodySchema>;
export type InitiationWire = Static<typeof InitiationBodySchema>;

export function signInitiation(
  key: SigningKey,
  address: MessageAddress,
  body: InitiationBody,
): Promise<string> {
  return signTyped(key, InitiationMessage, address, body);
}
