import { concatBytes, fromBase64Url, toBase64Url } from './bytes.ts';

const IV_BYTES = 12;

/**
 * The software keystore's at-rest key: derived (HKDF-SHA256) from a secret
 * that is not in the database, so a dump of the database holds only sealed keys.
 */
export async function deriveMasterKey(secret: string, psdId: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new TextEncoder().encode('tallystick psd master key v1'),
      info: new TextEncoder().encode(psdId),
    },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function aesSeal(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad as BufferSource },
    key,
    plaintext as BufferSource,
  );
  return toBase64Url(concatBytes(iv, new Uint8Array(ct)));
}

export async function aesOpen(
  key: CryptoKey,
  sealed: string,
  aad: Uint8Array,
): Promise<Uint8Array | undefined> {
  const bytes = fromBase64Url(sealed);
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: bytes.subarray(0, IV_BYTES) as BufferSource,
        additionalData: aad as BufferSource,
      },
      key,
      bytes.subarray(IV_BYTES) as BufferSource,
    );
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}
