import {
  importVerificationKey,
  isCurrency,
  type KeyResolver,
  type VerificationKey,
} from '@tallystick/protocol';
import { TallyResponseError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';

/** Where every operator publishes `{ operatorId, currency, keys }` (docs/trading-sessions.md). */
export const OPERATOR_DOCUMENT_PATH = '/.well-known/tally/operator.json';

export interface OperatorDocument {
  readonly operatorId: string;
  /** The operator's currency: its customers' accounts are kept in it. */
  readonly currency: string;
  readonly keys: ReadonlyMap<string, VerificationKey>;
}

export interface OperatorKeys {
  /** The document, fetched once and cached. */
  document(): Promise<OperatorDocument>;
  /** Resolves `<operatorId>:<thumbprint>` kids; refetches on an unknown one, at most once per interval. */
  readonly resolveKey: KeyResolver;
}

export interface OperatorKeysDeps {
  readonly http: HttpClient;
  readonly operatorId: string;
  readonly refreshIntervalMs: number;
  readonly keysMax: number;
  readonly nowMs: () => number;
}

export function createOperatorKeys(deps: OperatorKeysDeps): OperatorKeys {
  let current: OperatorDocument | undefined;
  let fetchedAtMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<OperatorDocument> | undefined;

  const refresh = (): Promise<OperatorDocument> => {
    inFlight ??= fetchDocument(deps)
      .then((doc) => {
        current = doc;
        return doc;
      })
      .finally(() => {
        fetchedAtMs = deps.nowMs();
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    document: async () => current ?? refresh(),
    resolveKey: async (kid) => {
      if (!kid.startsWith(`${deps.operatorId}:`)) return undefined;
      let key = current?.keys.get(kid);
      if (!key && deps.nowMs() - fetchedAtMs >= deps.refreshIntervalMs) key = (await refresh()).keys.get(kid);
      return key ? { key, issuer: deps.operatorId } : undefined;
    },
  };
}

async function fetchDocument(deps: OperatorKeysDeps): Promise<OperatorDocument> {
  const body = await deps.http.call('GET', OPERATOR_DOCUMENT_PATH, {
    idempotent: true,
    authenticated: false,
  });
  const invalid = (detail: string) => new TallyResponseError('operator_document_invalid', detail);
  if (body.operatorId !== deps.operatorId)
    throw invalid(`names ${String(body.operatorId)}, not ${deps.operatorId}`);
  if (!isCurrency(body.currency)) throw invalid('has no known currency');
  if (!Array.isArray(body.keys) || body.keys.length === 0) throw invalid('lists no keys');
  const keys = new Map<string, VerificationKey>();
  for (const jwk of body.keys.slice(0, deps.keysMax)) {
    const key = await importOperatorKey(deps.operatorId, jwk);
    if (key) keys.set(key.kid, key);
  }
  if (keys.size === 0) throw invalid('lists no usable key');
  return { operatorId: deps.operatorId, currency: body.currency, keys };
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
