import type { SigningAlgorithm } from '../jws/algorithms.ts';
import type { CryptoProvider } from './provider.ts';

/** WebCrypto ECDSA already signs in the JWS (IEEE P1363) form. */
function params(alg: SigningAlgorithm): AlgorithmIdentifier | EcdsaParams {
  return alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
}

/** Browsers, workers and Node alike. */
export const webCryptoProvider: CryptoProvider = {
  name: 'webcrypto',
  extractablePrivateKeys: false,
  async sign(alg, privateKey, data) {
    return new Uint8Array(await crypto.subtle.sign(params(alg), privateKey, data as BufferSource));
  },
  async verify(alg, publicKey, signature, data) {
    try {
      return await crypto.subtle.verify(
        params(alg),
        publicKey,
        signature as BufferSource,
        data as BufferSource,
      );
    } catch {
      return false;
    }
  },
  async sha256(data) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
  },
};
