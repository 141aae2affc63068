import {
  SIGNED_MESSAGE_ERROR_MESSAGES,
  SIGNED_MESSAGE_ERROR_STATUS,
  type SignedMessageError,
} from './signed-errors.ts';

/** The MTA's own refusals; signed-message codes (JWS, body, voucher) pass through unchanged. */
export const MTA_OWN_ERRORS = [
  'transaction_not_found',
  'transaction_exists',
  'transaction_cleared',
  'merchant_only',
  'merchant_not_found',
  'session_key_invalid',
  'expiry_invalid',
  'rate_unavailable',
  'deposit_too_small',
  'amount_overflow',
  'merchant_refused',
  'merchant_unreachable',
  'merchant_ack_invalid',
  'record_duplicate',
  'record_currency_mismatch',
  'record_voucher_mismatch',
] as const;
export type MtaOwnError = (typeof MTA_OWN_ERRORS)[number];
export type MtaError = MtaOwnError | SignedMessageError;

const OWN_STATUS: { readonly [k in MtaOwnError]: number } = {
  // 404 also for a transaction of another merchant: someone else's looks like none.
  transaction_not_found: 404,
  transaction_exists: 409,
  transaction_cleared: 409,
  merchant_only: 403,
  merchant_not_found: 404,
  session_key_invalid: 400,
  expiry_invalid: 422,
  rate_unavailable: 422,
  deposit_too_small: 422,
  amount_overflow: 422,
  merchant_refused: 422,
  // The merchant is this MTA's peer on the synchronous path: its failure is a 502, not the caller's fault.
  merchant_unreachable: 502,
  merchant_ack_invalid: 502,
  record_duplicate: 409,
  record_currency_mismatch: 422,
  record_voucher_mismatch: 422,
};

const OWN_MESSAGES: { readonly [k in MtaOwnError]: string } = {
  transaction_not_found: 'no such trading session at this MTA',
  transaction_exists: 'a trading session with this transaction id is already registered',
  transaction_cleared: 'the trading session is already cleared',
  merchant_only: 'this route is for the merchant of the trading session',
  merchant_not_found: 'the merchant is not registered at this operator',
  session_key_invalid:
    'the session key is not a usable public signing key (its kid, if any, must be its thumbprint)',
  expiry_invalid: 'the session expiry is in the past or further ahead than a session may last',
  rate_unavailable:
    'this operator quotes no exchange rate from the customer currency to the merchant currency',
  deposit_too_small: 'the deposit converts to nothing in the merchant currency',
  amount_overflow: 'the deposit is too large to convert',
  merchant_refused: 'the merchant declined the trading session',
  merchant_unreachable: 'the merchant could not be reached or failed to answer in time',
  merchant_ack_invalid:
    "the merchant's acknowledgement is not a valid signed acknowledgement of this session",
  record_duplicate: 'this side has already handed in its transaction record',
  record_currency_mismatch: "the record is not in the merchant's currency",
  record_voucher_mismatch: "the record's last seq, total or hash differ from its last voucher",
};

export const MTA_ERROR_STATUS: { readonly [k in MtaError]: number } = {
  ...SIGNED_MESSAGE_ERROR_STATUS,
  ...OWN_STATUS,
};

export const MTA_ERROR_MESSAGES: { readonly [k in MtaError]: string } = {
  ...SIGNED_MESSAGE_ERROR_MESSAGES,
  ...OWN_MESSAGES,
};

const OWN_CODES: ReadonlySet<string> = new Set(MTA_OWN_ERRORS);

export function isMtaOwnError(code: string): code is MtaOwnError {
  return OWN_CODES.has(code);
}

const ALL_CODES: ReadonlySet<string> = new Set(Object.keys(MTA_ERROR_STATUS));

export function isMtaError(code: string): code is MtaError {
  return ALL_CODES.has(code);
}
