import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';

/**
 * HPKE (RFC 9180) base mode, DHKEM(P-256, HKDF-SHA256) + AES-128-GCM: private
 * indicium fields sealed to a verifier, and messages one PSD seals for another.
 */
export const hpkeSuite = new CipherSuite({
  kem: new DhkemP256HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
});

export interface Sealed {
  /** The encapsulated key. */
  readonly enc: Uint8Array;
  readonly ct: Uint8Array;
}

export async function generateExchangeKeyPair(): Promise<{ publicJwk: JsonWebKey; privateJwk: JsonWebKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const { d: _d, key_ops: _ops, ext: _ext, ...pub } = publicJwk;
  return { publicJwk: pub, privateJwk };
}

export async function importExchangePublicKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return hpkeSuite.kem.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JsonWebKey,
    true,
  );
}

export async function importExchangePrivateKey(jwk: JsonWebKey): Promise<CryptoKey> {
  return hpkeSuite.kem.importKey('jwk', jwk, false);
}

export async function hpkeSeal(
  recipientPublicKey: CryptoKey,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Sealed> {
  const { ct, enc } = await hpkeSuite.seal({ recipientPublicKey }, plaintext, aad);
  return { enc: new Uint8Array(enc), ct: new Uint8Array(ct) };
}

/** Undefined when the key is not the recipient's or anything was altered (AEAD). */
export async function hpkeOpen(
  recipientKey: CryptoKey,
  sealed: Sealed,
  aad: Uint8Array,
): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await hpkeSuite.open({ recipientKey, enc: sealed.enc }, sealed.ct, aad));
  } catch {
    return undefined;
  }
}
