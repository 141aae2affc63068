import { JWS_ERROR_MESSAGES, type JwsError } from '@tallystick/protocol';
import { domainErrorSender } from '../http/envelope.ts';
import { JWS_ERROR_STATUS } from '../http/jws-status.ts';
import type { TransferError } from '../ledger/errors.ts';
import { TRANSFER_ERROR_MESSAGES, TRANSFER_ERROR_STATUS } from '../parties/ledger-errors.ts';

export const REQUEST_OWN_ERRORS = [
  'request_body_invalid',
  'request_id_reused',
  'request_not_found',
  'request_expired',
  'request_already_answered',
  'request_expiry_invalid',
  'request_amount_mismatch',
  'request_currency_unsupported',
  'customer_ref_unknown',
  'affirmation_body_invalid',
  'affirmation_mismatch',
  'not_a_customer',
  'not_a_merchant',
] as const;
export type RequestOwnError = (typeof REQUEST_OWN_ERRORS)[number];
export type RequestError = RequestOwnError | JwsError | TransferError;

const OWN_STATUS: { readonly [k in RequestOwnError]: number } = {
  request_body_invalid: 400,
  request_id_reused: 409,
  request_not_found: 404,
  request_expired: 409,
  request_already_answered: 409,
  request_expiry_invalid: 400,
  request_amount_mismatch: 400,
  request_currency_unsupported: 422,
  customer_ref_unknown: 404,
  affirmation_body_invalid: 400,
  affirmation_mismatch: 409,
  not_a_customer: 403,
  not_a_merchant: 403,
};

const OWN_MESSAGES: { readonly [k in RequestOwnError]: string } = {
  request_body_invalid: 'the signed purchase request does not have the expected fields',
  request_id_reused: 'this request id was already used with a different request',
  request_not_found: 'no such purchase request',
  request_expired: 'the purchase request has expired and can no longer be answered',
  request_already_answered: 'the purchase request was already affirmed or declined',
  request_expiry_invalid: 'the expiry must be in the future and within the allowed window',
  request_amount_mismatch: 'the amount is not the sum of the items',
  request_currency_unsupported: "the request's currency is not the one both accounts are held in",
  customer_ref_unknown: 'no customer has given this reference',
  affirmation_body_invalid: 'the signed affirmation does not have the expected fields',
  affirmation_mismatch: 'the affirmation names another amount, merchant or item list than the request',
  not_a_customer: 'only a customer can do this',
  not_a_merchant: 'only a merchant can do this',
};

export const REQUEST_ERROR_STATUS: { readonly [k in RequestError]: number } = {
  ...TRANSFER_ERROR_STATUS,
  ...JWS_ERROR_STATUS,
  ...OWN_STATUS,
};
export const REQUEST_ERROR_MESSAGES: { readonly [k in RequestError]: string } = {
  ...TRANSFER_ERROR_MESSAGES,
  ...JWS_ERROR_MESSAGES,
  ...OWN_MESSAGES,
};
export const sendRequestError = domainErrorSender(REQUEST_ERROR_STATUS, REQUEST_ERROR_MESSAGES);
