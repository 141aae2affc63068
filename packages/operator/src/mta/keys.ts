import { importVerificationKey, type KeyResolver, type VerificationKey } from '@tallystick/protocol';
import type { JWK } from 'jose';
import type { PartiesService } from '../parties/service.ts';

/**
 * The transaction's session key as a verification key. Vouchers and records
 * are checked against its thumbprint as kid (`verifyVoucher` does so), so a
 * JWK naming any other kid could never verify: refused up front.
 */
export async function importSessionKey(
  jwk: Readonly<Record<string, unknown>>,
): Promise<VerificationKey | 'session_key_invalid'> {
  let key: VerificationKey;
  try {
    key = await importCached(jwk as JWK);
  } catch {
    return 'session_key_invalid';
  }
  if (jwk.kid !== undefined && jwk.kid !== key.kid) return 'session_key_invalid';
  return key;
}

/** Knows the session key only, owned by the pseudonym. */
export function sessionKeyResolver(key: VerificationKey, pseudonym: string): KeyResolver {
  return async (kid) => (kid === key.kid ? { key, issuer: pseudonym } : undefined);
}

/** A party's registered keys only: a merchant can sign as itself and no one else. */
export function partyKeyResolver(parties: Pick<PartiesService, 'findKeyOf'>, partyId: string): KeyResolver {
  return async (kid) => {
    const found = await parties.findKeyOf(partyId, kid);
    return found && { key: await importCached(found.publicJwk as JWK), issuer: partyId };
  };
}

/**
 * Imported keys by their public key material. A session key is imported at
 * initiation, for each record and at clearing, a party key for every message:
 * importing it (and hashing its thumbprint) each time is work thrown away.
 * The key itself is the cache key, so a hit can only return the same key;
 * what may be used with it (owner, kid) is still checked by every caller.
 */
const IMPORTED_KEYS_MAX = 10_000;
const imported = new Map<string, Promise<VerificationKey>>();

function importCached(jwk: JWK): Promise<VerificationKey> {
  const material = `${jwk.kty}|${jwk.crv}|${jwk.x}|${jwk.y}|${'d' in jwk}`;
  const cached = imported.get(material);
  if (cached) return cached;
  const key = importVerificationKey(jwk);
  imported.set(material, key);
  key.catch(() => imported.delete(material));
  if (imported.size > IMPORTED_KEYS_MAX) {
    const oldest = imported.keys().next().value;
    if (oldest !== undefined) imported.delete(oldest);
  }
  return key;
}
