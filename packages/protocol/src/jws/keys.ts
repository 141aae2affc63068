import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { defaultCryptoProvider } from '../crypto/default.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './algorithms.ts';

/** A private key with the id and algorithm it signs under. The private half never leaves this object. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export type PublicJwk = JWK & { kty: 'EC' | 'OKP' };

/** `provider` decides whether the private key is extractable (see `CryptoProvider`). */
export async function generateSigningKey(
  alg: SigningAlgorithm = 'ES256',
  provider: CryptoProvider = defaultCryptoProvider,
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    extractable: provider.extractablePrivateKeys,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg, privateKey, publicJwk: { ...publicJwk, kid, alg } };
}

/** Imports a private JWK (for keys kept in a file or keystore). */
export async function importSigningKey(
  privateJwk: JWK,
  provider: CryptoProvider = defaultCryptoProvider,
): Promise<SigningKey> {
  const alg = algorithmOfJwk(privateJwk);
  if (!alg) throw new Error('unsupported key: only P-256 (ES256) and Ed25519 (EdDSA) keys are accepted');
  const privateKey = (await importJWK(privateJwk, alg, {
    extractable: provider.extractablePrivateKeys,
  })) as CryptoKey;
  const { d: _d, ...pub } = privateJwk;
  const kid = await calculateJwkThumbprint(pub);
  return { kid, alg, privateKey, publicJwk: { ...pub, kid, alg } };
}

export async function exportPrivateJwk(key: SigningKey): Promise<JWK> {
  return { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: key.alg };
}

/** The algorithm a public JWK is for, or undefined when it is not one we accept. */
export function algorithmOfJwk(jwk: JWK): SigningAlgorithm | undefined {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return 'ES256';
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string') return 'EdDSA';
  return undefined;
}

export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly key: CryptoKey;
  readonly publicJwk: PublicJwk;
}

/** Validates and imports a public JWK. Refuses private material so a leaked `d` is never stored. */
export async function importVerificationKey(jwk: JWK): Promise<VerificationKey> {
  if ('d' in jwk) throw new Error('a public key was expected but the JWK holds private material');
  const alg = algorithmOfJwk(jwk);
  if (!alg || !SIGNING_ALGORITHMS.includes(alg)) {
    throw new Error('unsupported key: only P-256 (ES256) and Ed25519 (EdDSA) keys are accepted');
  }
  const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}) } as PublicJwk;
  const key = (await importJWK(pub, alg)) as CryptoKey;
  const kid = await calculateJwkThumbprint(pub);
  return { kid, alg, key, publicJwk: { ...pub, kid, alg } };
}
