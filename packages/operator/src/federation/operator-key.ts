import {
  importSigningKey,
  importVerificationKey,
  type SigningKey,
  type VerificationKey,
} from '@tallystick/protocol';
import { exportJWK, generateKeyPair } from 'jose';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * Operator key ids carry the operator id (`<operatorId>:<thumbprint>`), so a
 * receiver knows whose published keys to consult before it verifies anything.
 */
export function operatorKid(operatorId: string, thumbprint: string): string {
  return `${operatorId}:${thumbprint}`;
}

export function operatorOfKid(kid: string): string | undefined {
  const at = kid.indexOf(':');
  return at > 0 ? kid.slice(0, at) : undefined;
}

/** Loads the operator's active signing key, creating one on first start. */
export async function loadOrCreateOperatorKey(db: Kysely<Schema>, operatorId: string): Promise<SigningKey> {
  const row = await db
    .selectFrom('operator_keys')
    .select(['private_jwk'])
    .where('operator_id', '=', operatorId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (row) return withOperatorKid(operatorId, await importSigningKey(JSON.parse(row.private_jwk)));
  // The key is stored, so it must be extractable: protocol's generateSigningKey makes keys that are not.
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const key = withOperatorKid(operatorId, await importSigningKey(privateJwk));
  await db
    .insertInto('operator_keys')
    .values({
      kid: key.kid,
      operator_id: operatorId,
      alg: key.alg,
      private_jwk: JSON.stringify({ ...privateJwk, kid: key.kid, alg: key.alg }),
      public_jwk: JSON.stringify(key.publicJwk),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  // Two processes on one database may race on first start: the stored key wins.
  return loadOrCreateOperatorKey(db, operatorId);
}

function withOperatorKid(operatorId: string, key: SigningKey): SigningKey {
  const thumbprint = key.kid.includes(':') ? key.kid.slice(key.kid.indexOf(':') + 1) : key.kid;
  const kid = operatorKid(operatorId, thumbprint);
  return { ...key, kid, publicJwk: { ...key.publicJwk, kid } };
}

/** Imports a peer's published key, checking that its kid is bound to that operator and to the key itself. */
export async function importOperatorPublicKey(
  operatorId: string,
  jwk: { kid?: unknown },
): Promise<VerificationKey> {
  const imported = await importVerificationKey(jwk as Parameters<typeof importVerificationKey>[0]);
  const kid = operatorKid(operatorId, imported.kid);
  if (jwk.kid !== kid) throw new Error(`published key id ${String(jwk.kid)} is not ${kid}`);
  return { ...imported, kid, publicJwk: { ...imported.publicJwk, kid } };
}
