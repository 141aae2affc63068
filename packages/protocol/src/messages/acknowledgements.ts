import type { Static, StaticDecode } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { checkMerchantDeposit, checkRateDirection, operatorOfTransaction } from './checks.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  CurrencySchema,
  PositiveAmountMinorSchema,
  PseudonymSchema,
  RateSchema,
  strictObject,
  TimestampMsSchema,
  TransactionIdSchema,
} from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * Step 4, merchant -> MTA (iss: merchant id, aud: MTA operator id). Echoes
 * the customer and deposit it accepts, so the MTA can see the merchant
 * acknowledged exactly what it was told.
 */
export const MerchantAckBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  pseudonym: PseudonymSchema,
  /** In the merchant's currency, as in the information message. */
  depositMinor: PositiveAmountMinorSchema,
  currency: CurrencySchema,
});

export const MerchantAckMessage = defineMessage({
  mty: MESSAGE_TYPES.merchantAck,
  schema: MerchantAckBodySchema,
  transactionOf: (body) => body.transactionId,
});
export type MerchantAckBody = StaticDecode<typeof MerchantAckBodySchema>;
export type MerchantAckWire = Static<typeof MerchantAckBodySchema>;

export function signMerchantAck(
  key: SigningKey,
  address: MessageAddress,
  body: MerchantAckBody,
): Promise<string> {
  return signTyped(key, MerchantAckMessage, address, body);
}

/**
 * Step 5, MTA -> customer's AM (iss: MTA operator id, aud: the AM that
 * issued the transaction). Carries the exchange rate and both deposits.
 */
export const MtaAckBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  rate: RateSchema,
  depositCustomerMinor: PositiveAmountMinorSchema,
  customerCurrency: CurrencySchema,
  depositMerchantMinor: PositiveAmountMinorSchema,
  merchantCurrency: CurrencySchema,
  expiresAtMs: TimestampMsSchema,
});

export const MtaAckMessage = defineMessage({
  mty: MESSAGE_TYPES.mtaAck,
  schema: MtaAckBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body, parties) => {
    if (operatorOfTransaction(body.transactionId) !== parties.aud) {
      return { field: 'transactionId', problem: 'was not issued by the addressed AM' };
    }
    return (
      checkRateDirection(body.rate, body.customerCurrency, body.merchantCurrency) ??
      checkMerchantDeposit(body.depositCustomerMinor, body.depositMerchantMinor, body.rate)
    );
  },
});
export type MtaAckBody = StaticDecode<typeof MtaAckBodySchema>;
export type MtaAckWire = Static<typeof MtaAckBodySchema>;

export function signMtaAck(key: SigningKey, address: MessageAddress, body: MtaAckBody): Promise<string> {
  return signTyped(key, MtaAckMessage, address, body);
}
