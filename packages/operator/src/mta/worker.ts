import { CLEARINGS_PER_TICK_MAX, DELIVERIES_PER_TICK_MAX, MTA_WORKER_INTERVAL_MS } from './model.ts';
import type { MtaService } from './service.ts';

export interface MtaWorkerLogger {
  error(fields: object, message: string): void;
}

export interface MtaClearingWorker {
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
  /** One pass now (tests, admin): clears due sessions, then delivers due clearings. */
  runOnce(): Promise<{ readonly cleared: number; readonly delivered: number }>;
}

/**
 * The MTA's background loop: sessions whose timer ran out are cleared from
 * whatever records are in, and clearings not yet acknowledged by their AM are
 * delivered again (bounded per pass). One pass at a time.
 */
export function startMtaClearingWorker(options: {
  readonly mta: Pick<MtaService, 'clearDue' | 'deliverDue'>;
  readonly intervalMs?: number;
  readonly logger?: MtaWorkerLogger;
}): MtaClearingWorker {
  const intervalMs = options.intervalMs ?? MTA_WORKER_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let pass: Promise<{ cleared: number; delivered: number }> = Promise.resolve({ cleared: 0, delivered: 0 });

  const runPass = async () => ({
    cleared: await options.mta.clearDue(CLEARINGS_PER_TICK_MAX),
    delivered: await options.mta.deliverDue(DELIVERIES_PER_TICK_MAX),
  });
  const runOnce = () => {
    pass = pass.catch(() => ({ cleared: 0, delivered: 0 })).then(runPass);
    return pass;
  };
  const loop = async () => {
    while (!stopped) {
      try {
        await runOnce();
      } catch (error) {
        options.logger?.error({ err: error }, 'MTA clearing pass failed');
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
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      await pass.catch(() => undefined);
    },
  };
}
