import { hash, KeyObject, sign, verify } from 'node:crypto';
import type { CryptoProvider } from '../crypto/provider.ts';
import { webCryptoProvider } from '../crypto/webcrypto.ts';
import type { SigningAlgorithm } from '../jws/algorithms.ts';

/*
 * Node only: never imported by the isomorphic index. `crypto/default.ts`
 * resolves to this file under the `node` condition (package.json `imports`).
 * Keys stay WebCrypto CryptoKeys everywhere else; each is turned into an
 * OpenSSL KeyObject once and cached for as long as the CryptoKey lives.
 */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}

function digestOf(alg: SigningAlgorithm): string | null {
  return alg === 'ES256' ? 'sha256' : null;
}

export const nodeCryptoProvider: CryptoProvider = {
  name: 'node:crypto',
  extractablePrivateKeys: true,
  sign(alg, privateKey, data) {
    // A sealed key (made elsewhere) cannot be read into OpenSSL: WebCrypto signs it.
    if (!privateKey.extractable) return webCryptoProvider.sign(alg, privateKey, data);
    const key = keyObjectOf(privateKey);
    return alg === 'ES256'
      ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : sign(digestOf(alg), data, key);
  },
  verify(alg, publicKey, signature, data) {
    try {
      const key = keyObjectOf(publicKey);
      return alg === 'ES256'
        ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : verify(digestOf(alg), data, key, signature);
    } catch {
      return false;
    }
  },
  sha256(data) {
    return hash('sha256', data, 'buffer');
  },
};

export { nodeCryptoProvider as platformCryptoProvider };
