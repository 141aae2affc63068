import {
  CLOCK_SKEW_SECONDS_MAX,
  JWS_ERROR_MESSAGES,
  JWS_ERRORS,
  type JwsError,
  JwsVerifyError,
  MESSAGE_ERROR_MESSAGES,
  MessageBodyError,
  type MessageClaims,
  type MessageError,
  VOUCHER_ERROR_MESSAGES,
  type VoucherError,
} from '@tallystick/protocol';
import { JWS_ERROR_STATUS } from '../http/jws-status.ts';

/**
 * Why a signed message (or a voucher inside a record) was refused. Shared by
 * the AM and the MTA: both read the same messages, and the AM relays the
 * MTA's verdict on a customer's record unchanged.
 */
export type SignedMessageError = JwsError | MessageError | VoucherError;

const VOUCHER_STATUS: { readonly [k in VoucherError]: number } = {
  voucher_malformed: 422,
  voucher_signature_invalid: 422,
  voucher_wrong_transaction: 422,
  voucher_wrong_merchant: 422,
  voucher_wrong_currency: 422,
  voucher_session_expired: 422,
  voucher_stale_seq: 422,
  voucher_not_increasing: 422,
  voucher_exceeds_deposit: 422,
  voucher_purchase_list_mismatch: 422,
};

export const SIGNED_MESSAGE_ERROR_STATUS: { readonly [k in SignedMessageError]: number } = {
  ...JWS_ERROR_STATUS,
  message_body_invalid: 400,
  ...VOUCHER_STATUS,
};

export const SIGNED_MESSAGE_ERROR_MESSAGES: { readonly [k in SignedMessageError]: string } = {
  ...JWS_ERROR_MESSAGES,
  ...MESSAGE_ERROR_MESSAGES,
  ...VOUCHER_ERROR_MESSAGES,
};

const JWS_CODES: ReadonlySet<string> = new Set(JWS_ERRORS);

export function isJwsError(code: string): code is JwsError {
  return JWS_CODES.has(code);
}

/** The verified message, or the code it was refused with. Anything else thrown is a bug and propagates. */
export async function verifiedOrCode<T>(verify: () => Promise<T>): Promise<T | JwsError | MessageError> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof JwsVerifyError) return error.code;
    if (error instanceof MessageBodyError) return error.code;
    throw error;
  }
}

/** Until when a message id must be remembered: as long as `verifyMessage` would still call it fresh. */
export function replayWindowEndMs(claims: MessageClaims): number {
  return (claims.iat + CLOCK_SKEW_SECONDS_MAX) * 1000;
}
