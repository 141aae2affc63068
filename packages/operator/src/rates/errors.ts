import type { JwsError } from '@tallystick/protocol';

/** Why a signed rates file was refused; the last good table stays in use. */
export const RATES_FILE_ERRORS = [
  'rates_file_unreadable',
  'rates_file_too_large',
  'rates_file_unsigned',
  'rates_file_signature_invalid',
  'rates_file_stale',
  'rates_file_malformed',
  'rates_file_expired',
  'rates_file_rolled_back',
] as const;
export type RatesFileError = (typeof RATES_FILE_ERRORS)[number];

export const RATES_FILE_ERROR_MESSAGES: { readonly [k in RatesFileError]: string } = {
  rates_file_unreadable: 'the rates file could not be read (missing file, HTTP error or timeout)',
  rates_file_too_large: 'the rates file is larger than allowed',
  rates_file_unsigned: 'the rates file is not a signed compact JWS',
  rates_file_signature_invalid:
    'the rates file is not signed by the configured publisher key with an allowed algorithm, or was altered',
  rates_file_stale: 'the rates file was signed too long ago (or dated in the future)',
  rates_file_malformed: 'the signed rates file does not hold a valid rates table',
  rates_file_expired: 'every rate in the rates file is past its validity window',
  rates_file_rolled_back: 'the rates file was signed before the one already in use (an older file replayed)',
};

/** Every JWS refusal, as the rates-file error an operator sees; a new JWS code fails to compile here. */
export const RATES_FILE_ERROR_OF_JWS: { readonly [k in JwsError]: RatesFileError } = {
  jws_too_large: 'rates_file_too_large',
  jws_malformed: 'rates_file_unsigned',
  jws_alg_not_allowed: 'rates_file_signature_invalid',
  jws_key_unknown: 'rates_file_signature_invalid',
  jws_signature_invalid: 'rates_file_signature_invalid',
  jws_claims_invalid: 'rates_file_malformed',
  jws_wrong_type: 'rates_file_malformed',
  jws_wrong_audience: 'rates_file_malformed',
  jws_wrong_issuer: 'rates_file_signature_invalid',
  jws_wrong_transaction: 'rates_file_malformed',
  jws_stale: 'rates_file_stale',
  jws_replayed: 'rates_file_rolled_back',
};
