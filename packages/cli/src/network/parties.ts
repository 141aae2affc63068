import { importSigningKey, type SigningKey } from '@tallystick/protocol';
import type { NetworkOperator } from './operators.ts';

/** What a customer or merchant needs to act at its operator. */
export interface PartyCredentials {
  readonly operatorId: string;
  readonly id: string;
  readonly accountId: string;
  /** `tsk_…`: a bearer token for the party's operator. */
  readonly apiKey: string;
  readonly key: SigningKey;
  /** The same key as a private JWK, for `network.json`. */
  readonly privateJwk: JsonWebKey;
}

/** A P-256 key that can be written down (the protocol's own keys cannot leave memory). */
export async function generateStorableKey(): Promise<{ key: SigningKey; privateJwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { key: await importStoredKey(privateJwk), privateJwk };
}

export function importStoredKey(privateJwk: JsonWebKey): Promise<SigningKey> {
  const { key_ops: _ops, ext: _ext, ...jwk } = privateJwk;
  return importSigningKey(jwk as Parameters<typeof importSigningKey>[0]);
}

export async function registerCustomer(
  operator: NetworkOperator,
  input: { readonly displayName: string; readonly creditLimitMinor: bigint },
): Promise<PartyCredentials> {
  const { key, privateJwk } = await generateStorableKey();
  const result = await operator.node.parties.registerCustomer({ ...input, publicJwk: key.publicJwk });
  if (typeof result === 'string') throw new Error(`registering the customer failed: ${result}`);
  return credentialsOf(operator, result, key, privateJwk);
}

export async function registerMerchant(
  operator: NetworkOperator,
  input: { readonly displayName: string; readonly endpointUrl: string },
): Promise<PartyCredentials> {
  const { key, privateJwk } = await generateStorableKey();
  const result = await operator.node.parties.registerMerchant({ ...input, publicJwk: key.publicJwk });
  if (typeof result === 'string') throw new Error(`registering the merchant failed: ${result}`);
  return credentialsOf(operator, result, key, privateJwk);
}

function credentialsOf(
  operator: NetworkOperator,
  registration: {
    readonly party: { readonly id: string; readonly accountId: string };
    readonly apiKey: string;
  },
  key: SigningKey,
  privateJwk: JsonWebKey,
): PartyCredentials {
  return {
    operatorId: operator.spec.id,
    id: registration.party.id,
    accountId: registration.party.accountId,
    apiKey: registration.apiKey,
    key,
    privateJwk,
  };
}
