import { importVerificationKey, type PublicJwk, type VerificationKey } from '@tallystick/protocol';

/**
 * Imported session keys by transaction: imported once (WebCrypto import is
 * the costly part of a voucher check after the signature) and reused for
 * every voucher. Bounded; a dropped key is re-imported from the stored JWK.
 */
export interface SessionKeyCache {
  get(transactionId: string, jwk: PublicJwk): Promise<VerificationKey>;
  put(transactionId: string, key: VerificationKey): void;
}

export function createSessionKeyCache(entriesMax: number): SessionKeyCache {
  const keys = new Map<string, VerificationKey>();
  const put = (transactionId: string, key: VerificationKey) => {
    keys.delete(transactionId);
    if (keys.size >= entriesMax) {
      const oldest = keys.keys().next();
      if (!oldest.done) keys.delete(oldest.value);
    }
    keys.set(transactionId, key);
  };
  return {
    async get(transactionId, jwk) {
      const cached = keys.get(transactionId);
      if (cached) {
        put(transactionId, cached); // most recently used last
        return cached;
      }
      const key = await importVerificationKey(jwk);
      put(transactionId, key);
      return key;
    },
    put,
  };
}
