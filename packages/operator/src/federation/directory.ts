import type { KeyResolver, SigningKey, VerificationKey } from '@tallystick/protocol';
import { importOperatorPublicKey, operatorOfKid } from './operator-key.ts';

/** Where a peer operator lives. Its keys are fetched from its published document and cached. */
export interface PeerConfig {
  readonly id: string;
  readonly baseUrl: string;
}

/** What an operator publishes at `OPERATOR_DOCUMENT_PATH`. */
export interface OperatorDocument {
  readonly operatorId: string;
  readonly currency: string;
  readonly keys: readonly Record<string, unknown>[];
}

export const OPERATOR_DOCUMENT_PATH = '/.well-known/tally/operator.json';
/** A peer's keys are refetched on an unknown kid at most this often, so junk kids can't make us hammer it. */
const REFETCH_INTERVAL_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;

export interface OperatorDirectory {
  readonly selfId: string;
  peer(operatorId: string): PeerConfig | undefined;
  /** Resolves operator kids (`<operatorId>:<thumbprint>`) for this node and its configured peers. */
  readonly resolveOperatorKey: KeyResolver;
}

export function createOperatorDirectory(deps: {
  readonly self: { readonly id: string; readonly key: SigningKey; readonly verificationKey: VerificationKey };
  readonly peers: readonly PeerConfig[];
  readonly fetch?: typeof fetch;
}): OperatorDirectory {
  const doFetch = deps.fetch ?? fetch;
  const peers = new Map(deps.peers.map((p) => [p.id, p]));
  const cache = new Map<string, { keys: Map<string, VerificationKey>; fetchedAtMs: number }>();

  const refresh = async (peer: PeerConfig): Promise<Map<string, VerificationKey>> => {
    const cached = cache.get(peer.id);
    if (cached && Date.now() - cached.fetchedAtMs < REFETCH_INTERVAL_MS) return cached.keys;
    const keys = await fetchPeerKeys(doFetch, peer).catch(() => cached?.keys ?? new Map());
    cache.set(peer.id, { keys, fetchedAtMs: Date.now() });
    return keys;
  };

  const resolveOperatorKey: KeyResolver = async (kid) => {
    const operatorId = operatorOfKid(kid);
    if (operatorId === undefined) return undefined;
    if (operatorId === deps.self.id) {
      return kid === deps.self.verificationKey.kid
        ? { key: deps.self.verificationKey, issuer: operatorId }
        : undefined;
    }
    const peer = peers.get(operatorId);
    if (!peer) return undefined;
    const known = cache.get(operatorId)?.keys.get(kid);
    const key = known ?? (await refresh(peer)).get(kid);
    return key ? { key, issuer: operatorId } : undefined;
  };

  return { selfId: deps.self.id, peer: (id) => peers.get(id), resolveOperatorKey };
}

async function fetchPeerKeys(doFetch: typeof fetch, peer: PeerConfig): Promise<Map<string, VerificationKey>> {
  const response = await doFetch(new URL(OPERATOR_DOCUMENT_PATH, peer.baseUrl), {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`${peer.id}: operator document answered ${response.status}`);
  const doc = (await response.json()) as Partial<OperatorDocument>;
  if (doc.operatorId !== peer.id || !Array.isArray(doc.keys)) {
    throw new Error(`${peer.id}: operator document names ${String(doc.operatorId)}`);
  }
  const keys = new Map<string, VerificationKey>();
  for (const jwk of doc.keys) {
    const key = await importOperatorPublicKey(peer.id, jwk);
    keys.set(key.kid, key);
  }
  return keys;
}

/** Parses `TALLY_PEERS`: `op-b=http://127.0.0.1:7071,op-c=https://c.example`. */
export function parsePeers(text: string): PeerConfig[] | string {
  const peers: PeerConfig[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const id = part.slice(0, eq);
    const baseUrl = part.slice(eq + 1);
    if (eq <= 0 || !/^[a-z0-9][a-z0-9-]{1,31}$/.test(id) || !URL.canParse(baseUrl)) {
      return `"${part}" is not <operatorId>=<baseUrl>`;
    }
    peers.push({ id, baseUrl });
  }
  return peers;
}
