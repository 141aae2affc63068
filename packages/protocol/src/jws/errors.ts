export const JWS_ERRORS = [
  'jws_too_large',
  'jws_malformed',
  'jws_alg_not_allowed',
  'jws_key_unknown',
  'jws_signature_invalid',
  'jws_claims_invalid',
  'jws_wrong_type',
  'jws_wrong_audience',
  'jws_wrong_issuer',
  'jws_wrong_transaction',
  'jws_stale',
  'jws_replayed',
] as const;
export type JwsError = (typeof JWS_ERRORS)[number];

export const JWS_ERROR_MESSAGES: { readonly [k in JwsError]: string } = {
  jws_too_large: 'the signed message is larger than allowed',
  jws_malformed: 'the signed message is not a compact JWS',
  jws_alg_not_allowed: 'the signature algorithm is not allowed (ES256 or EdDSA only)',
  jws_key_unknown: 'the signing key is not known for this issuer',
  jws_signature_invalid: 'the signature does not verify',
  jws_claims_invalid: 'the signed message lacks required claims or they have the wrong types',
  jws_wrong_type: 'the signed message is not of the expected type',
  jws_wrong_audience: 'the signed message is addressed to someone else',
  jws_wrong_issuer: 'the signed message was issued by someone other than the key owner',
  jws_wrong_transaction: 'the signed message belongs to another transaction',
  jws_stale: 'the signed message is too old or dated in the future (more than the allowed clock skew)',
  jws_replayed: 'the signed message was already received (replay)',
};

export class JwsVerifyError extends Error {
  override readonly name = 'JwsVerifyError';
  constructor(
    readonly code: JwsError,
    detail?: string,
  ) {
    super(detail ? `${JWS_ERROR_MESSAGES[code]}: ${detail}` : JWS_ERROR_MESSAGES[code]);
  }
}
