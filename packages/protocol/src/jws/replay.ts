/**
 * Remembers message ids for the freshness window so a replay is refused.
 * `remember` returns false when the id was already seen (a replay).
 */
export interface ReplayGuard {
  remember(issuer: string, messageId: string, expiresAtMs: number): Promise<boolean>;
}

/** Bounded in-memory guard for one process. Ids older than their expiry are forgotten. */
export function createMemoryReplayGuard(options: { readonly entriesMax?: number } = {}): ReplayGuard {
  const entriesMax = options.entriesMax ?? 1_000_000;
  const seen = new Map<string, number>();
  const evictExpired = (nowMs: number) => {
    for (const [key, expiresAtMs] of seen) {
      if (expiresAtMs > nowMs) break; // insertion order ~ expiry order
      seen.delete(key);
    }
  };
  return {
    async remember(issuer, messageId, expiresAtMs) {
      const key = `${issuer}\u0000${messageId}`;
      const nowMs = Date.now();
      const prior = seen.get(key);
      if (prior !== undefined && prior > nowMs) return false;
      if (seen.size >= entriesMax) evictExpired(nowMs);
      if (seen.size >= entriesMax)
        throw new Error('replay guard is full: refusing rather than forgetting ids');
      seen.delete(key);
      seen.set(key, expiresAtMs);
      return true;
    },
  };
}
