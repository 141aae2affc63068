import type { PurchaseRequest } from './model.ts';

export function requestView(r: PurchaseRequest) {
  return {
    id: r.id,
    merchantId: r.merchantId,
    merchantRequestId: r.merchantRequestId,
    customerRef: r.customerRef,
    amountMinor: r.amountMinor.toString(),
    currency: r.currency,
    description: r.description,
    items: r.items,
    itemsHash: r.itemsHash,
    expiresAt: r.expiresAt.toISOString(),
    status: r.status,
    transferId: r.transferId,
    feeMinor: r.feeMinor === null ? null : r.feeMinor.toString(),
    answeredAt: r.answeredAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    ...(r.cross
      ? {
          customerOperatorId: r.cross.role === 'merchant_operator' ? r.cross.peerOperatorId : null,
          merchantOperatorId: r.cross.role === 'customer_operator' ? r.cross.peerOperatorId : null,
          chargeMinor: r.cross.chargeMinor.toString(),
          chargeCurrency: r.cross.chargeCurrency,
          rate: {
            base: r.cross.rate.base,
            quote: r.cross.rate.quote,
            numerator: r.cross.rate.numerator.toString(),
            denominator: r.cross.rate.denominator.toString(),
          },
        }
      : {}),
  };
}
