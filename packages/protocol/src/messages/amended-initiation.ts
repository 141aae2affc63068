import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { operatorOfTransaction } from './checks.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  CurrencySchema,
  HashChainCommitmentSchema,
  MerchantIdSchema,
  OfferIdSchema,
  OperatorIdSchema,
  PositiveAmountMinorSchema,
  PseudonymSchema,
  PublicJwkSchema,
  strictObject,
  TimestampMsSchema,
  TransactionIdSchema,
} from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * Step 2, customer's AM -> MTA (iss: the AM's operator id, aud: the merchant's
 * operator id). The AM's signature vouches for the customer and guarantees
 * the deposit it holds; the customer appears only as a pseudonym.
 */
export const AmendedInitiationBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  /** The held deposit, in the customer's currency. */
  depositMinor: PositiveAmountMinorSchema,
  currency: CurrencySchema,
  pseudonym: PseudonymSchema,
  merchantId: MerchantIdSchema,
  sessionKey: PublicJwkSchema,
  expiresAtMs: TimestampMsSchema,
  customerOperatorId: OperatorIdSchema,
  offerId: OfferIdSchema,
  hashChain: Type.Optional(HashChainCommitmentSchema),
});

export const AmendedInitiationMessage = defineMessage({
  mty: MESSAGE_TYPES.amendedInitiation,
  schema: AmendedInitiationBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body, parties) => {
    if (body.customerOperatorId !== parties.iss) {
      return { field: 'customerOperatorId', problem: 'must be the signing AM' };
    }
    if (operatorOfTransaction(body.transactionId) !== body.customerOperatorId) {
      return { field: 'transactionId', problem: 'was not issued by the customer operator' };
    }
    return undefined;
  },
});
export type AmendedInitiationBody = StaticDecode<typeof AmendedInitiationBodySchema>;
export type AmendedInitiationWire = Static<typeof AmendedInitiationBodySchema>;

export function signAmendedInitiation(
  key: SigningKey,
  address: MessageAddress,
  body: AmendedInitiationBody,
): Promise<string> {
  return signTyped(key, AmendedInitiationMessage, address, body);
}
