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
  };
}
