import type { JwsError } from '@tallystick/protocol';

/**
 * One HTTP status per signed-message refusal, for every domain that reads
 * signed messages: 401 when the signature does not prove who wrote it, 409
 * for a replay, 413 for an oversized message, 400 otherwise.
 */
export const JWS_ERROR_STATUS: { readonly [k in JwsError]: number } = {
  jws_too_large: 413,
  jws_malformed: 400,
  jws_alg_not_allowed: 400,
  jws_key_unknown: 401,
  jws_signature_invalid: 401,
  jws_claims_invalid: 400,
  jws_wrong_type: 400,
  jws_wrong_audience: 400,
  jws_wrong_issuer: 401,
  jws_wrong_transaction: 400,
  jws_stale: 400,
  jws_replayed: 409,
};
