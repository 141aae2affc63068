import {
  generateSigningKey,
  importVerificationKey,
  type KeyResolver,
  type SigningKey,
  type VerificationKey,
} from '@tallystick/protocol';
import { envelope, type JsonAnswer, type JsonRequest } from './http-server.ts';

/** An operator key with an operator kid (`<opId>:<thumbprint>`), as real nodes publish them. */
export async function operatorKey(operatorId: string): Promise<SigningKey> {
  const key = await generateSigningKey('ES256');
  const kid = `${operatorId}:${key.kid}`;
  return { ...key, kid, publicJwk: { ...key.publicJwk, kid } };
}

export async function resolverOf(entries: readonly [SigningKey, string][]): Promise<KeyResolver> {
  const map = new Map<string, { key: VerificationKey; issuer: string }>();
  for (const [key, issuer] of entries) {
    const imported = await importVerificationKey(key.publicJwk);
    map.set(key.kid, { key: { ...imported, kid: key.kid }, issuer });
  }
  return async (kid) => map.get(kid);
}

export function operatorDocument(operatorId: string, currency: string, key: SigningKey): JsonAnswer {
  return { status: 200, body: { operatorId, currency, keys: [key.publicJwk] } };
}

/** Injected failures: the next `times` requests matching `method path-prefix` get `status` (or hang). */
export interface Fault {
  readonly method: string;
  readonly pathPrefix: string;
  times: number;
  readonly status?: number;
  readonly code?: string;
  readonly hangMs?: number;
}

export async function applyFault(faults: Fault[], request: JsonRequest): Promise<JsonAnswer | undefined> {
  const fault = faults.find(
    (f) => f.times > 0 && f.method === request.method && request.path.startsWith(f.pathPrefix),
  );
  if (!fault) return undefined;
  fault.times--;
  if (fault.hangMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
  return { status: fault.status ?? 503, body: envelope(fault.code ?? 'injected_fault') };
}

export interface CallLog {
  readonly method: string;
  readonly path: string;
}
