import type { JWK } from 'jose';
import { importVerificationKey, type VerificationKey } from '../jws/keys.ts';

/** Published keys an offline verifier trusts: the operators' and their merchants'. */
export interface TrustList {
  readonly version: 1;
  readonly keys: readonly TrustedKey[];
}

export interface TrustedKey {
  /** The key id as it appears in a COSE or JWS header. */
  readonly kid: string;
  /** The operator id or merchant id the key speaks for. */
  readonly issuer: string;
  readonly role: 'operator' | 'merchant';
  readonly publicJwk: Readonly<Record<string, string>>;
}

export type TrustResolver = (kid: string) => Promise<{ key: VerificationKey; issuer: string } | undefined>;

/** Imports lazily; a malformed entry is simply untrusted. The key's own kid is the list's, not the JWK's. */
export function trustResolver(list: TrustList): TrustResolver {
  const byKid = new Map(list.keys.map((k) => [k.kid, k]));
  return async (kid) => {
    const entry = byKid.get(kid);
    if (!entry) return undefined;
    try {
      const key = await importVerificationKey(entry.publicJwk as JWK);
      return { key: { ...key, kid }, issuer: entry.issuer };
    } catch {
      return undefined;
    }
  };
}

export function isTrustList(value: unknown): value is TrustList {
  const v = value as { version?: unknown; keys?: unknown } | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    Array.isArray(v.keys) &&
    v.keys.every(
      (k: { kid?: unknown; issuer?: unknown; publicJwk?: unknown }) =>
        typeof k?.kid === 'string' && typeof k.issuer === 'string' && typeof k.publicJwk === 'object',
    )
  );
}
