/** A background loop of the node; `stop` waits for the pass in flight. */
export interface Worker {
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, one pass at a time: a tick that finds the
 * last pass still running is skipped (a slow pass never piles up work). A
 * failed pass goes to `onError` and the next tick tries again. The timer is
 * unref'd: the loop never keeps the process alive.
 */
export function startPeriodicWorker(
  intervalMs: number,
  pass: () => Promise<void>,
  onError: (error: unknown) => void,
): Worker {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = pass()
      .catch(onError)
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
