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
  'customer_operator_unknown',
  'rate_unavailable',
  'amount_overflow',
  'peer_unreachable',
  'peer_refused',
  'forward_invalid',
  'forward_charge_mismatch',
  'answer_relay_invalid',
  'passkey_unknown',
  'passkey_challenge_invalid',
  'passkey_verification_failed',
  'passkey_registration_failed',
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
  customer_operator_unknown: 404,
  rate_unavailable: 422,
  amount_overflow: 422,
  peer_unreachable: 502,
  peer_refused: 502,
  forward_invalid: 400,
  forward_charge_mismatch: 422,
  answer_relay_invalid: 400,
  passkey_unknown: 404,
  passkey_challenge_invalid: 409,
  passkey_verification_failed: 401,
  passkey_registration_failed: 400,
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
  customer_operator_unknown: 'the customer reference names an operator this one has no link to',
  rate_unavailable: "no exchange rate is quoted from the customer's currency into the merchant's",
  amount_overflow: 'the converted amount exceeds the largest amount',
  peer_unreachable: "the customer's operator could not be reached; retry with the same request id",
  peer_refused: "the customer's operator refused the request",
  forward_invalid: 'the forwarded purchase request does not have the expected fields',
  forward_charge_mismatch: 'the customer charge is not the amount converted at the quoted rate, rounded up',
  answer_relay_invalid: "the customer's operator's answer does not have the expected fields",
  passkey_unknown: 'no passkey with this credential id is registered for the customer',
  passkey_challenge_invalid: 'the passkey challenge is unknown, used, expired or for another request',
  passkey_verification_failed: 'the passkey assertion does not verify',
  passkey_registration_failed: 'the passkey registration does not verify',
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
