import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { toCustomerCharge } from '../money/convert.ts';
import { checkMerchantDeposit, checkRateDirection } from './checks.ts';
import { type BodyProblem, defineMessage, type MessageAddress, signTyped } from './define.ts';
import {
  AmountMinorSchema,
  CurrencySchema,
  HashChainIndexSchema,
  PositiveAmountMinorSchema,
  RateSchema,
  SequenceOrZeroSchema,
  strictObject,
  TransactionIdSchema,
} from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/**
 * `agreed`: the records match. `customer_vouchers`: they differ or one is
 * missing, so the MTA clears what the customer's own newest voucher proves.
 * `nothing_claimed`: no valid voucher, nothing moves, the hold is released.
 */
export const CLEARING_OUTCOMES = ['agreed', 'customer_vouchers', 'nothing_claimed'] as const;
export type ClearingOutcome = (typeof CLEARING_OUTCOMES)[number];
export const CLEARING_REASONS = [
  'records_match',
  'records_differ',
  'customer_record_missing',
  'merchant_record_missing',
  'records_missing',
] as const;
export type ClearingReason = (typeof CLEARING_REASONS)[number];

/**
 * MTA -> each AM (iss: MTA operator id, aud: that AM's operator id; one JWS
 * per AM). The customer's AM posts `clearedCustomerMinor` of the hold and
 * releases `releasedCustomerMinor`; the merchant's AM credits
 * `clearedMerchantMinor - feeMinor`. Amounts obey the rounding rule of
 * money/convert.ts, which the receiver re-checks.
 */
export const ClearingBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  outcome: Type.Enum(CLEARING_OUTCOMES),
  reason: Type.Enum(CLEARING_REASONS),
  /** Seq of the voucher cleared from; 0 when none. */
  voucherSeq: SequenceOrZeroSchema,
  /** The hash-chain index cleared from (DESIGN §5), when the transaction was metered with one. */
  hashChainIndex: Type.Optional(HashChainIndexSchema),
  rate: RateSchema,
  depositCustomerMinor: PositiveAmountMinorSchema,
  customerCurrency: CurrencySchema,
  depositMerchantMinor: PositiveAmountMinorSchema,
  merchantCurrency: CurrencySchema,
  clearedMerchantMinor: AmountMinorSchema,
  clearedCustomerMinor: AmountMinorSchema,
  releasedCustomerMinor: AmountMinorSchema,
  /** The MTA operator's acquiring fee in the merchant's currency, kept of the merchant's credit (fixed + bps, rounded up). */
  feeMinor: AmountMinorSchema,
});

export const ClearingMessage = defineMessage({
  mty: MESSAGE_TYPES.clearing,
  schema: ClearingBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body) =>
    checkOutcome(body) ??
    checkRateDirection(body.rate, body.customerCurrency, body.merchantCurrency) ??
    checkMerchantDeposit(body.depositCustomerMinor, body.depositMerchantMinor, body.rate) ??
    checkAmounts(body),
});
export type ClearingBody = StaticDecode<typeof ClearingBodySchema>;
export type ClearingWire = Static<typeof ClearingBodySchema>;

export function signClearing(key: SigningKey, address: MessageAddress, body: ClearingBody): Promise<string> {
  return signTyped(key, ClearingMessage, address, body);
}

function checkOutcome(body: ClearingBody): BodyProblem | undefined {
  if ((body.outcome === 'agreed') !== (body.reason === 'records_match')) {
    return { field: 'reason', problem: 'records_match goes with the agreed outcome and only with it' };
  }
  const proven = body.voucherSeq !== 0 || body.hashChainIndex !== undefined;
  if (body.outcome === 'nothing_claimed' && (body.clearedMerchantMinor !== 0n || proven)) {
    return { field: 'clearedMerchantMinor', problem: 'must be 0 with no voucher when nothing is claimed' };
  }
  if (body.outcome !== 'nothing_claimed' && !proven) {
    return { field: 'voucherSeq', problem: 'must name the voucher (or hash-chain index) cleared from' };
  }
  return undefined;
}

function checkAmounts(body: ClearingBody): BodyProblem | undefined {
  if (body.clearedMerchantMinor > body.depositMerchantMinor) {
    return { field: 'clearedMerchantMinor', problem: 'exceeds the deposit' };
  }
  if (toCustomerCharge(body.clearedMerchantMinor, body.rate) !== body.clearedCustomerMinor) {
    return { field: 'clearedCustomerMinor', problem: 'is not the cleared amount converted back, rounded up' };
  }
  if (body.clearedCustomerMinor + body.releasedCustomerMinor !== body.depositCustomerMinor) {
    return { field: 'releasedCustomerMinor', problem: 'plus the cleared amount must equal the deposit' };
  }
  if (body.feeMinor > body.clearedMerchantMinor)
    return { field: 'feeMinor', problem: 'exceeds the cleared amount' };
  return undefined;
}
