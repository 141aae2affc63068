import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseReplayGuard } from './replay-guard.ts';

/** Often enough that the table stays about one freshness window (a few minutes) of ids. */
export const REPLAY_PURGE_INTERVAL_MS = 60_000;

export interface Worker {
  stop(): Promise<void>;
}

/** Forgets expired message ids in the background; a failed pass is logged and tried again next time. */
export function startReplayPurger(
  guard: DatabaseReplayGuard,
  log: FastifyBaseLogger,
  intervalMs: number = REPLAY_PURGE_INTERVAL_MS,
): Worker {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = guard
      .purgeExpired()
      .then((purged) => {
        if (purged > 0) log.debug({ purged }, 'forgot expired message ids');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'purging expired message ids failed'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
