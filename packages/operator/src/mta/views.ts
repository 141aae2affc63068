import type { ClearingBody, Rate } from '@tallystick/protocol';
import type { Static } from 'typebox';
import type { MtaTransactionView as View } from './model.ts';
import { recordOf } from './repository.ts';
import type { ClearingView, MtaTransactionView, RateView } from './wire.ts';

export function rateView(rate: Rate): Static<typeof RateView> {
  return {
    base: rate.base,
    quote: rate.quote,
    numerator: rate.numerator.toString(),
    denominator: rate.denominator.toString(),
  };
}

export function clearingView(body: ClearingBody, clearedAt: Date): Static<typeof ClearingView> {
  return {
    outcome: body.outcome,
    reason: body.reason,
    voucherSeq: body.voucherSeq,
    clearedMerchantMinor: body.clearedMerchantMinor.toString(),
    clearedCustomerMinor: body.clearedCustomerMinor.toString(),
    releasedCustomerMinor: body.releasedCustomerMinor.toString(),
    feeMinor: body.feeMinor.toString(),
    clearedAt: clearedAt.toISOString(),
  };
}

export function mtaTransactionView({
  transaction: t,
  records,
  clearing,
}: View): Static<typeof MtaTransactionView> {
  return {
    transactionId: t.id,
    status: t.status,
    merchantId: t.merchantId,
    pseudonym: t.pseudonym,
    offerId: t.offerId,
    depositMerchantMinor: t.depositMerchantMinor.toString(),
    merchantCurrency: t.merchantCurrency,
    depositCustomerMinor: t.depositCustomerMinor.toString(),
    customerCurrency: t.customerCurrency,
    rate: rateView(t.rate),
    expiresAt: t.expiresAt.toISOString(),
    records: {
      customer: recordOf(records, 'customer') !== undefined,
      merchant: recordOf(records, 'merchant') !== undefined,
    },
    clearing: clearing ? clearingView(clearing.body, clearing.clearedAt) : null,
  };
}
