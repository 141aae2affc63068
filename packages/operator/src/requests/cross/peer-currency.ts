import { OPERATOR_DOCUMENT_PATH, type PeerConfig } from '../../federation/directory.ts';

const FETCH_TIMEOUT_MS = 5_000;
/** A peer's currency does not change while it runs; one read per process is enough. */
const known = new Map<string, string>();

/** The currency a peer operator holds its customers' accounts in, from its published document. */
export async function peerCurrency(
  peer: PeerConfig,
  doFetch: typeof fetch = fetch,
): Promise<string | undefined> {
  const cacheKey = `${peer.id} ${peer.baseUrl}`;
  const cached = known.get(cacheKey);
  if (cached) return cached;
  try {
    const response = await doFetch(new URL(OPERATOR_DOCUMENT_PATH, peer.baseUrl), {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    const doc = (await response.json()) as { operatorId?: unknown; currency?: unknown };
    if (doc.operatorId !== peer.id || typeof doc.currency !== 'string' || !/^[A-Z]{3}$/.test(doc.currency))
      return undefined;
    known.set(cacheKey, doc.currency);
    return doc.currency;
  } catch {
    return undefined;
  }
}
