import type { LinkFailure } from '../federation/link.ts';
import {
  isMtaError,
  isMtaOwnError,
  MTA_ERROR_MESSAGES,
  MTA_ERROR_STATUS,
  type MtaError,
} from '../mta/errors.ts';

/** The AM's own refusals. The MTA's codes (and the signed-message codes) pass through when relayed. */
export const AM_OWN_ERRORS = [
  'customer_only',
  'session_not_found',
  'transaction_not_found',
  'currency_mismatch',
  'merchant_operator_unknown',
  'session_key_invalid',
  'limit_exceeded',
  'initiation_in_progress',
  'transaction_not_open',
  'mta_unreachable',
  'mta_bad_response',
  'mta_refused',
  'mta_ack_invalid',
  'clearing_wrong_issuer',
  'clearing_mismatch',
  'clearing_conflict',
  'hold_unavailable',
] as const;
export type AmOwnError = (typeof AM_OWN_ERRORS)[number];
export type AmError = AmOwnError | MtaError;

const OWN_STATUS: { readonly [k in AmOwnError]: number } = {
  customer_only: 403,
  // Someone else's session or transaction looks exactly like none.
  session_not_found: 404,
  transaction_not_found: 404,
  currency_mismatch: 422,
  merchant_operator_unknown: 422,
  session_key_invalid: 400,
  limit_exceeded: 422,
  initiation_in_progress: 409,
  transaction_not_open: 409,
  mta_unreachable: 502,
  mta_bad_response: 502,
  // The MTA refused the AM's own message: not the customer's fault.
  mta_refused: 502,
  mta_ack_invalid: 502,
  clearing_wrong_issuer: 403,
  clearing_mismatch: 422,
  clearing_conflict: 409,
  hold_unavailable: 409,
};

const OWN_MESSAGES: { readonly [k in AmOwnError]: string } = {
  customer_only: 'this route is for customers of this operator',
  session_not_found: 'no such session of yours',
  transaction_not_found: 'no such transaction',
  currency_mismatch: "the deposit is not in the customer's currency",
  merchant_operator_unknown: "the merchant's operator is not a peer of this operator",
  session_key_invalid:
    'the session key is not a usable public signing key (its kid, if any, must be its thumbprint)',
  limit_exceeded:
    'the deposit exceeds what the customer may spend (balance and credit limit, less open holds)',
  initiation_in_progress: 'this initiation is still being processed; retry shortly for its answer',
  transaction_not_open: 'the transaction is not open (it failed or is already cleared)',
  mta_unreachable: "the merchant's operator could not be reached; nothing is held",
  mta_bad_response: "the merchant's operator answered with something that is not an answer; nothing is held",
  mta_refused: "the merchant's operator refused the amended initiation; nothing is held",
  mta_ack_invalid: "the merchant's operator's acknowledgement does not match the session; nothing is held",
  clearing_wrong_issuer: 'the clearing is not signed by the MTA of this transaction',
  clearing_mismatch: "the clearing's figures do not match the transaction (deposit, currencies, rate, sums)",
  clearing_conflict: 'this transaction was already cleared with other figures',
  hold_unavailable: "the deposit's hold is gone and the customer's account cannot cover the charge",
};

export const AM_ERROR_STATUS: { readonly [k in AmError]: number } = { ...MTA_ERROR_STATUS, ...OWN_STATUS };
export const AM_ERROR_MESSAGES: { readonly [k in AmError]: string } = {
  ...MTA_ERROR_MESSAGES,
  ...OWN_MESSAGES,
};

const ALL_CODES: ReadonlySet<string> = new Set(Object.keys(AM_ERROR_STATUS));

export function isAmError(code: string): code is AmError {
  return ALL_CODES.has(code);
}

/**
 * What the customer hears when the MTA (in-process or a peer) did not say yes.
 * The MTA's own codes (rate_unavailable, merchant_not_found, record_duplicate,
 * ...) are the customer's business and pass through. On the customer's own
 * record, so do signature and voucher codes; on the AM's amended initiation
 * they mean the operators disagree, which is `mta_refused`.
 */
export function relayMtaFailure(failure: LinkFailure, about: 'initiation' | 'record'): AmError {
  if (failure.status === 0 || failure.code === 'peer_unreachable') return 'mta_unreachable';
  if (failure.code === 'peer_bad_response') return 'mta_bad_response';
  if (isMtaOwnError(failure.code)) return failure.code;
  if (about === 'record' && isMtaError(failure.code)) return failure.code;
  return failure.status >= 500 ? 'mta_unreachable' : 'mta_refused';
}
