import { importVerificationKey, type KeyResolver, type VerificationKey } from '@tallystick/protocol';
import { MerchantError } from '../errors.ts';
import type { HttpClient } from './client.ts';

/** Where every operator publishes `{ operatorId, currency, keys }` (docs/trading-sessions.md). */
export const OPERATOR_DOCUMENT_PATH = '/.well-known/tally/operator.json';

export interface OperatorKeysDeps {
  readonly http: HttpClient;
  readonly operatorId: string;
  readonly refreshIntervalMs: number;
  readonly keysMax: number;
  readonly nowMs: () => number;
}

/**
 * Resolves the MTA's kids (`<operatorId>:<thumbprint>`) from its published
 * document, cached; an unknown kid triggers a refetch at most once per
 * interval (so junk kids cannot make the merchant hammer its MTA), and
 * concurrent misses share one fetch.
 */
export function createOperatorKeyResolver(deps: OperatorKeysDeps): KeyResolver {
  let keys = new Map<string, VerificationKey>();
  let fetchedAtMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    inFlight ??= fetchKeys(deps)
      .then((fresh) => {
        keys = fresh;
      })
      .finally(() => {
        fetchedAtMs = deps.nowMs();
        inFlight = undefined;
      });
    return inFlight;
  };

  return async (kid) => {
    if (!kid.startsWith(`${deps.operatorId}:`)) return undefined;
    if (!keys.has(kid) && deps.nowMs() - fetchedAtMs >= deps.refreshIntervalMs) await refresh();
    const key = keys.get(kid);
    return key ? { key, issuer: deps.operatorId } : undefined;
  };
}

async function fetchKeys(deps: OperatorKeysDeps): Promise<Map<string, VerificationKey>> {
  const body = await deps.http.call('GET', OPERATOR_DOCUMENT_PATH, {
    idempotent: true,
    authenticated: false,
  });
  if (body.operatorId !== deps.operatorId) {
    throw MerchantError.of(
      'operator_document_invalid',
      `names ${String(body.operatorId)}, not ${deps.operatorId}`,
    );
  }
  if (!Array.isArray(body.keys)) throw MerchantError.of('operator_document_invalid', 'lists no keys');
  const keys = new Map<string, VerificationKey>();
  for (const jwk of body.keys.slice(0, deps.keysMax)) {
    const key = await importOperatorKey(deps.operatorId, jwk);
    if (key) keys.set(key.kid, key);
  }
  return keys;
}

/** A published key counts only when its kid binds it to this operator and to the key itself. */
async function importOperatorKey(operatorId: string, jwk: unknown): Promise<VerificationKey | undefined> {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  try {
    const imported = await importVerificationKey(jwk as Parameters<typeof importVerificationKey>[0]);
    const kid = `${operatorId}:${imported.kid}`;
    if ((jwk as { kid?: unknown }).kid !== kid) return undefined;
    return { ...imported, kid, publicJwk: { ...imported.publicJwk, kid } };
  } catch {
    return undefined;
  }
}
