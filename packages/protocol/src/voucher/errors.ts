import type { JwsError } from '../jws/errors.ts';

export const VOUCHER_ERRORS = [
  'voucher_malformed',
  'voucher_signature_invalid',
  'voucher_wrong_transaction',
  'voucher_wrong_merchant',
  'voucher_wrong_currency',
  'voucher_session_expired',
  'voucher_stale_seq',
  'voucher_not_increasing',
  'voucher_exceeds_deposit',
  'voucher_purchase_list_mismatch',
] as const;
export type VoucherError = (typeof VOUCHER_ERRORS)[number];

export const VOUCHER_ERROR_MESSAGES: { readonly [k in VoucherError]: string } = {
  voucher_malformed: 'the voucher is not a well-formed voucher JWS (structure, claims, issuer or body)',
  voucher_signature_invalid: 'the voucher is not signed by this transaction’s session key',
  voucher_wrong_transaction: 'the voucher belongs to another transaction',
  voucher_wrong_merchant: 'the voucher is addressed to another merchant',
  voucher_wrong_currency: 'the voucher is not in the merchant’s currency for this session',
  voucher_session_expired: 'the trading session has expired',
  voucher_stale_seq: 'the voucher sequence number is not above the last accepted one',
  voucher_not_increasing: 'the cumulative amount is below the last accepted one',
  voucher_exceeds_deposit: 'the cumulative amount exceeds the deposit',
  voucher_purchase_list_mismatch:
    'the purchase list hash or total does not match the merchant’s list plus this item',
};

/** How a failed envelope check reads for a voucher. Exhaustive: a new JWS code must be placed here. */
export const VOUCHER_ERROR_OF_JWS: { readonly [k in JwsError]: VoucherError } = {
  jws_too_large: 'voucher_malformed',
  jws_malformed: 'voucher_malformed',
  jws_alg_not_allowed: 'voucher_signature_invalid',
  jws_key_unknown: 'voucher_signature_invalid',
  jws_signature_invalid: 'voucher_signature_invalid',
  jws_claims_invalid: 'voucher_malformed',
  jws_wrong_type: 'voucher_malformed',
  jws_wrong_audience: 'voucher_wrong_merchant',
  jws_wrong_issuer: 'voucher_malformed',
  jws_wrong_transaction: 'voucher_wrong_transaction',
  jws_stale: 'voucher_malformed',
  jws_replayed: 'voucher_stale_seq',
};

export function isVoucherError(value: unknown): value is VoucherError {
  return typeof value === 'string' && (VOUCHER_ERRORS as readonly string[]).includes(value);
}
