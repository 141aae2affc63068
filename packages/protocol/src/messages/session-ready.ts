import type { Static, StaticDecode } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import {
  checkMerchantDeposit,
  checkRateDirection,
  operatorOfTransaction,
  sessionOfTransaction,
} from './checks.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  CurrencySchema,
  MerchantIdSchema,
  OperatorIdSchema,
  PositiveAmountMinorSchema,
  PseudonymSchema,
  RateSchema,
  SessionIdSchema,
  strictObject,
  TimestampMsSchema,
  TransactionIdSchema,
} from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * Step 6, customer's AM -> wallet (iss: AM operator id, aud: the customer's
 * account). Everything the wallet needs to pay: the pseudonym to sign
 * vouchers under, the merchant, the rate and the deposit in both currencies.
 */
export const SessionReadyBodySchema = strictObject({
  sessionId: SessionIdSchema,
  transactionId: TransactionIdSchema,
  pseudonym: PseudonymSchema,
  merchantId: MerchantIdSchema,
  merchantOperatorId: OperatorIdSchema,
  rate: RateSchema,
  depositCustomerMinor: PositiveAmountMinorSchema,
  customerCurrency: CurrencySchema,
  depositMerchantMinor: PositiveAmountMinorSchema,
  merchantCurrency: CurrencySchema,
  expiresAtMs: TimestampMsSchema,
});

export const SessionReadyMessage = defineMessage({
  mty: MESSAGE_TYPES.sessionReady,
  schema: SessionReadyBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body, parties) => {
    if (sessionOfTransaction(body.transactionId) !== body.sessionId) {
      return { field: 'transactionId', problem: 'does not belong to the session' };
    }
    if (operatorOfTransaction(body.transactionId) !== parties.iss) {
      return { field: 'sessionId', problem: 'was not issued by the signing AM' };
    }
    return (
      checkRateDirection(body.rate, body.customerCurrency, body.merchantCurrency) ??
      checkMerchantDeposit(body.depositCustomerMinor, body.depositMerchantMinor, body.rate)
    );
  },
});
export type SessionReadyBody = StaticDecode<typeof SessionReadyBodySchema>;
export type SessionReadyWire = Static<typeof SessionReadyBodySchema>;

export function signSessionReady(
  key: SigningKey,
  address: MessageAddress,
  body: SessionReadyBody,
): Promise<string> {
  return signTyped(key, SessionReadyMessage, address, body);
}
