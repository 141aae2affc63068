import type { FastifyBaseLogger } from 'fastify';
import { startPeriodicWorker, type Worker } from '../workers/periodic.ts';
import { RATES_FILE_ERROR_MESSAGES } from './errors.ts';
import type { RatesFileProvider } from './provider.ts';

/**
 * Polls the signed rates file into memory. One refresh at a time (a slow
 * source skips ticks rather than piling up requests); each is bounded by the
 * provider's timeout and size limit. A refusal is logged with its code and
 * the table in use stays.
 */
export function startRatesRefresher(
  provider: RatesFileProvider,
  log: FastifyBaseLogger,
  /** `TALLY_RATES_REFRESH_MS`. */
  intervalMs: number,
): Worker {
  return startPeriodicWorker(
    intervalMs,
    async () => {
      const result = await provider.refresh();
      if (!result.ok) {
        const { error: code, detail, kept } = result;
        log.warn({ code, detail, kept }, `rates file refused: ${RATES_FILE_ERROR_MESSAGES[code]}`);
      } else if (result.changed)
        log.info({ ratesId: result.ratesId, rates: result.rates }, 'rates file loaded');
    },
    (error) => log.error({ err: error }, 'rates refresh failed'),
  );
}
