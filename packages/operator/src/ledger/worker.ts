import { assert } from './assert.ts';
import { LEDGER_BATCH_MAX, type LedgerService } from './model.ts';

/** Pino-compatible: the one method the sweeper logs with. */
export interface SweeperLogger {
  error(fields: object, message: string): void;
}

export interface ExpirySweeperOptions {
  readonly ledger: Pick<LedgerService, 'expirePendingTransfers'>;
  /** Pause between sweeps when there is nothing (more) to expire. */
  readonly intervalMs: number;
  /** Most holds expired per transaction; a full batch is followed at once by another. */
  readonly batchSize: number;
  readonly clock?: () => Date;
  readonly logger?: SweeperLogger;
}

export interface ExpirySweeper {
  /** Stops the loop and waits for a sweep in progress. */
  stop(): Promise<void>;
  /** Sweeps once now (all due holds, batch by batch); returns how many expired. For tests and admin. */
  sweepNow(): Promise<number>;
}

/**
 * Voids holds whose timeout has passed, writing an `expire` row for each so the
 * journal replays. A post or void after the deadline fails on its own
 * (`pending_transfer_expired`) whether or not the sweeper has run yet: the
 * sweeper only keeps reserved money from staying reserved.
 */
export function startExpirySweeper(options: ExpirySweeperOptions): ExpirySweeper {
  const { ledger, intervalMs, batchSize, logger } = options;
  const clock = options.clock ?? (() => new Date());
  assert(Number.isSafeInteger(batchSize) && batchSize >= 1 && batchSize <= LEDGER_BATCH_MAX, 'batchSize');
  assert(Number.isFinite(intervalMs) && intervalMs > 0, 'intervalMs');
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let sweeping: Promise<number> = Promise.resolve(0);

  const sweepAll = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const expired = await ledger.expirePendingTransfers(clock(), batchSize);
      total += expired;
      if (expired < batchSize || stopped) return total;
    }
  };
  // One sweep at a time: a manual sweep waits for the loop's and vice versa.
  const sweepNow = (): Promise<number> => {
    sweeping = sweeping.catch(() => 0).then(sweepAll);
    return sweeping;
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        await sweepNow();
      } catch (error) {
        logger?.error({ err: error }, 'ledger expiry sweep failed');
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  };
  const running = loop();

  return {
    sweepNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      await sweeping.catch(() => 0);
    },
  };
}
