import { JWS_ERROR_MESSAGES, type JwsError } from '@tallystick/protocol';
import { JWS_ERROR_STATUS } from '../http/jws-status.ts';
import type { TransferError } from '../ledger/errors.ts';
import { TRANSFER_ERROR_MESSAGES, TRANSFER_ERROR_STATUS } from './ledger-errors.ts';

/** This domain's own codes; the ledger's transfer codes and the JWS codes pass through unchanged. */
export const PARTY_OWN_ERRORS = [
  'customer_not_found',
  'account_not_found',
  'account_not_owned',
  'public_key_invalid',
  'public_key_private',
  'public_key_unsupported',
  'public_key_in_use',
  'endpoint_url_invalid',
  'display_name_invalid',
  'credit_limit_below_spent',
  'request_id_reused',
  'transfer_body_invalid',
] as const;
export type PartyOwnError = (typeof PARTY_OWN_ERRORS)[number];
export type PartyError = PartyOwnError | TransferError | JwsError;

const OWN_STATUS: { readonly [k in PartyOwnError]: number } = {
  customer_not_found: 404,
  account_not_found: 404,
  // 404, not 403: someone else's account must look exactly like no account.
  account_not_owned: 404,
  public_key_invalid: 400,
  public_key_private: 400,
  public_key_unsupported: 400,
  public_key_in_use: 409,
  endpoint_url_invalid: 400,
  display_name_invalid: 400,
  credit_limit_below_spent: 409,
  request_id_reused: 409,
  transfer_body_invalid: 400,
};

const OWN_MESSAGES: { readonly [k in PartyOwnError]: string } = {
  customer_not_found: 'no such customer',
  account_not_found: 'no such account',
  account_not_owned: 'the account to debit does not exist or does not belong to the caller',
  public_key_invalid: 'the public key is not a valid JWK',
  public_key_private: 'the JWK holds private key material ("d"); send only the public key',
  public_key_unsupported: 'only P-256 (ES256) and Ed25519 (EdDSA) signing keys are accepted',
  public_key_in_use: 'this public key is already registered to another party',
  endpoint_url_invalid: 'the endpoint URL must be https (or http on a loopback address)',
  display_name_invalid: 'the display name must have visible characters and no control characters',
  credit_limit_below_spent: 'the customer has already spent more than the lower limit would allow',
  request_id_reused: 'this request id was already used with a different credit limit',
  transfer_body_invalid: 'the signed transfer does not have the expected fields',
};

export const PARTY_ERROR_STATUS: { readonly [k in PartyError]: number } = {
  ...TRANSFER_ERROR_STATUS,
  ...JWS_ERROR_STATUS,
  ...OWN_STATUS,
};

export const PARTY_ERROR_MESSAGES: { readonly [k in PartyError]: string } = {
  ...TRANSFER_ERROR_MESSAGES,
  ...JWS_ERROR_MESSAGES,
  ...OWN_MESSAGES,
};

const ALL_CODES: ReadonlySet<string> = new Set(Object.keys(PARTY_ERROR_STATUS));

export function isPartyError(value: unknown): value is PartyError {
  return typeof value === 'string' && ALL_CODES.has(value);
}
