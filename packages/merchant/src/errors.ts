import { VOUCHER_ERROR_MESSAGES, VOUCHER_ERRORS } from '@tallystick/protocol';

/*
 * Every code the merchant SDK produces, with its message and the HTTP status
 * a merchant route should answer with. Exhaustive maps: a new code fails to
 * compile until each map handles it. An MTA refusal keeps the MTA's own code
 * (`MerchantApiError`).
 */

/** Why `acceptPurchase` refused a voucher: `verifyVoucher`'s codes plus the session's own. */
export const PURCHASE_REFUSALS = [
  ...VOUCHER_ERRORS,
  'session_unknown',
  'session_terminated',
  'purchase_item_mismatch',
] as const;
export type PurchaseRefusal = (typeof PURCHASE_REFUSALS)[number];

export const MERCHANT_ERROR_CODES = [
  ...PURCHASE_REFUSALS,
  'request_malformed',
  'method_not_allowed',
  'body_too_large',
  'information_invalid',
  'information_key_unknown',
  'information_expired',
  'information_conflict',
  'terminate_invalid',
  'operator_document_invalid',
  'network_error',
  'timeout',
  'bad_response',
  'config_invalid',
  'internal_error',
] as const;
export type MerchantErrorCode = (typeof MERCHANT_ERROR_CODES)[number];

export const MERCHANT_ERROR_MESSAGES: { readonly [k in MerchantErrorCode]: string } = {
  ...VOUCHER_ERROR_MESSAGES,
  session_unknown: 'no trading session with this transaction id is known to this merchant',
  session_terminated: 'the trading session was terminated: no further purchases',
  purchase_item_mismatch: 'the voucher pays for another item or price than the one offered',
  request_malformed: 'the request body is not the expected JSON',
  method_not_allowed: 'this endpoint takes POST only',
  body_too_large: 'the request body is larger than allowed',
  information_invalid: 'the information message does not verify (signature, issuer, audience, age or body)',
  information_key_unknown: 'the information message is signed with a key the MTA does not publish',
  information_expired: 'the trading session in the information message has already expired',
  information_conflict: 'a different trading session with this transaction id is already stored',
  terminate_invalid: 'the terminate message does not verify under the session key',
  operator_document_invalid: 'the MTA operator document (/.well-known/tally/operator.json) is not usable',
  network_error: 'the MTA could not be reached',
  timeout: 'the MTA did not answer in time',
  bad_response: 'the MTA answered with something that is not the expected JSON',
  config_invalid: 'the merchant configuration is invalid',
  internal_error: 'the merchant failed to handle the request',
};

/** HTTP status for each code, for a merchant's purchase route and the information endpoint. */
export const MERCHANT_ERROR_STATUS: { readonly [k in MerchantErrorCode]: number } = {
  voucher_malformed: 400,
  voucher_signature_invalid: 402,
  voucher_wrong_transaction: 402,
  voucher_wrong_merchant: 402,
  voucher_wrong_currency: 402,
  voucher_session_expired: 402,
  voucher_stale_seq: 402,
  voucher_not_increasing: 402,
  voucher_exceeds_deposit: 402,
  voucher_purchase_list_mismatch: 402,
  session_unknown: 402,
  session_terminated: 402,
  purchase_item_mismatch: 402,
  request_malformed: 400,
  method_not_allowed: 405,
  body_too_large: 413,
  information_invalid: 401,
  information_key_unknown: 401,
  information_expired: 400,
  information_conflict: 409,
  terminate_invalid: 400,
  operator_document_invalid: 503,
  network_error: 503,
  timeout: 504,
  bad_response: 502,
  config_invalid: 500,
  internal_error: 500,
};

export interface MerchantErrorInit {
  readonly statusCode?: number | undefined;
  readonly requestId?: string | undefined;
  readonly cause?: unknown;
}

/** Base of every error the merchant SDK throws (stripe-node style). */
export class MerchantError extends Error {
  override readonly name: string = 'MerchantError';
  /** A `MerchantErrorCode`, or the MTA's code for a `MerchantApiError`. */
  readonly code: string;
  /** HTTP status: of the MTA's answer for API errors, else what a route should answer. */
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  override readonly cause: unknown;

  constructor(code: string, message: string, init: MerchantErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.statusCode = init.statusCode;
    this.requestId = init.requestId;
    this.cause = init.cause;
  }

  /** An SDK error with its listed message (plus detail) and status. */
  static of(
    code: MerchantErrorCode,
    detail?: string,
    init: Omit<MerchantErrorInit, 'statusCode'> = {},
  ): MerchantError {
    const message = detail ? `${MERCHANT_ERROR_MESSAGES[code]}: ${detail}` : MERCHANT_ERROR_MESSAGES[code];
    const ErrorClass =
      code === 'network_error' || code === 'timeout' ? MerchantConnectionError : MerchantError;
    return new ErrorClass(code, message, { ...init, statusCode: MERCHANT_ERROR_STATUS[code] });
  }
}

/** The MTA refused a call: its error envelope `{ error: { code, message }, requestId }`. */
export class MerchantApiError extends MerchantError {
  override readonly name: string = 'MerchantApiError';
}

/** No answer from the MTA: network failure or timeout (after retries for idempotent calls). */
export class MerchantConnectionError extends MerchantError {
  override readonly name: string = 'MerchantConnectionError';
}

export function isPurchaseRefusal(value: unknown): value is PurchaseRefusal {
  return typeof value === 'string' && (PURCHASE_REFUSALS as readonly string[]).includes(value);
}
