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
    key = await importVerificationKey(jwk as JWK);
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
    return found && { key: await importVerificationKey(found.publicJwk as JWK), issuer: partyId };
  };
}
