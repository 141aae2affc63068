import { algorithmOfJwk, importVerificationKey, type VerificationKey } from '@tallystick/protocol';
import type { JWK } from 'jose';
import type { PartyError } from './errors.ts';

/**
 * Accepts a public signing JWK (P-256 or Ed25519) and nothing else: private
 * material, other key types, a mismatched `alg`, or an encryption-only `use`.
 * The stored form is the canonical public JWK with its thumbprint as `kid`.
 */
export async function parsePublicJwk(
  jwk: Readonly<Record<string, unknown>>,
): Promise<VerificationKey | PartyError> {
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'public_key_private';
  const candidate = jwk as JWK;
  const alg = algorithmOfJwk(candidate);
  if (!alg) return 'public_key_unsupported';
  if (jwk.alg !== undefined && jwk.alg !== alg) return 'public_key_unsupported';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'public_key_unsupported';
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return 'public_key_unsupported';
  }
  try {
    return await importVerificationKey(candidate);
  } catch {
    // Not on the curve, wrong length, bad base64url: WebCrypto refuses and so do we.
    return 'public_key_invalid';
  }
}
