import type { FastifyBaseLogger } from 'fastify';
import { startPeriodicWorker, type Worker } from '../workers/periodic.ts';
import type { DatabaseReplayGuard } from './replay-guard.ts';

/** Often enough that the table stays about one freshness window (a few minutes) of ids. */
export const REPLAY_PURGE_INTERVAL_MS = 60_000;

/** Forgets expired message ids in the background; a failed pass is logged and tried again next time. */
export function startReplayPurger(
  guard: DatabaseReplayGuard,
  log: FastifyBaseLogger,
  intervalMs: number = REPLAY_PURGE_INTERVAL_MS,
): Worker {
  return startPeriodicWorker(
    intervalMs,
    async () => {
      const purged = await guard.purgeExpired();
      if (purged > 0) log.debug({ purged }, 'forgot expired message ids');
    },
    (error) => log.warn({ err: error }, 'purging expired message ids failed'),
  );
}
