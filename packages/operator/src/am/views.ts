import type { Static } from 'typebox';
import { rateView } from '../mta/views.ts';
import type { AmTransactionDetails } from './service.ts';
import type { AmTransactionView } from './wire.ts';

export function amTransactionView({
  transaction: t,
  clearing: c,
}: AmTransactionDetails): Static<typeof AmTransactionView> {
  return {
    transactionId: t.id,
    sessionId: t.sessionId,
    status: t.status,
    merchantId: t.merchantId,
    merchantOperatorId: t.mtaOperatorId,
    pseudonym: t.pseudonym,
    depositCustomerMinor: t.depositMinor.toString(),
    customerCurrency: t.currency,
    depositMerchantMinor: t.terms?.depositMerchantMinor.toString() ?? null,
    merchantCurrency: t.terms?.merchantCurrency ?? null,
    rate: t.terms ? rateView(t.terms.rate) : null,
    expiresAt: t.expiresAt.toISOString(),
    holdId: t.holdId,
    sessionReady: t.terms?.sessionReadyJws ?? null,
    error: t.errorCode,
    clearing: c
      ? {
          outcome: c.outcome,
          reason: c.reason,
          voucherSeq: c.voucherSeq,
          clearedMerchantMinor: c.clearedMerchantMinor.toString(),
          clearedCustomerMinor: c.clearedCustomerMinor.toString(),
          releasedCustomerMinor: c.releasedCustomerMinor.toString(),
          feeMinor: c.feeMinor.toString(),
          clearedAt: c.clearedAt.toISOString(),
        }
      : null,
  };
}
