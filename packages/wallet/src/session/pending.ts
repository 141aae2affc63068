import type { PaywordChain, SigningKey } from '@tallystick/protocol';

/** A signed initiation whose answer was lost: re-sent unchanged so the AM answers with the same transaction. */
export interface PendingInitiation {
  readonly key: string;
  readonly jws: string;
  readonly sessionKey: SigningKey;
  /** The hash chain the initiation commits to, if any. */
  readonly chain?: PaywordChain;
  readonly createdAtMs: number;
}

/**
 * The client keeps what it signed before sending it (STYLE): an initiation
 * that got no answer is put back here and taken by the next identical
 * request, so a retry after a timeout does not place a second hold. Taking
 * removes it, so two requests in flight never share one.
 */
export interface PendingInitiations {
  take(key: string, nowMs: number): PendingInitiation | undefined;
  put(pending: PendingInitiation): void;
}

export function createPendingInitiations(limits: {
  readonly entriesMax: number;
  readonly reuseMsMax: number;
}): PendingInitiations {
  const entries = new Map<string, PendingInitiation>();
  return {
    take(key, nowMs) {
      const found = entries.get(key);
      entries.delete(key);
      return found && nowMs - found.createdAtMs < limits.reuseMsMax ? found : undefined;
    },
    put(pending) {
      entries.delete(pending.key);
      if (entries.size >= limits.entriesMax) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(pending.key, pending);
    },
  };
}
