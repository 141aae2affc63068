export const PURCHASE_LIST_ERRORS = [
  'purchase_out_of_order',
  'purchase_invalid',
  'purchase_total_overflow',
] as const;
export type PurchaseListError = (typeof PURCHASE_LIST_ERRORS)[number];

export const PURCHASE_LIST_ERROR_MESSAGES: { readonly [k in PurchaseListError]: string } = {
  purchase_out_of_order: 'the purchase sequence number is not the next one in the list',
  purchase_invalid: 'the purchase has a field out of bounds or text that is not well-formed Unicode',
  purchase_total_overflow: 'the purchase list total would exceed 2^63 - 1 minor units',
};

export function isPurchaseListError(value: unknown): value is PurchaseListError {
  return typeof value === 'string' && (PURCHASE_LIST_ERRORS as readonly string[]).includes(value);
}
