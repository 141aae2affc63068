import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { PATH } from './model.ts';

export interface LoadResult {
  readonly total: number;
  readonly rps: number;
  /** The worst connection's 99th percentile. */
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  /**
   * The whole machine's busy CPU milliseconds (all processes, from
   * /proc/stat; 0 elsewhere) over the run: compared with the server's and the
   * load generator's, how much other work shared the cores.
   */
  readonly machineCpuMs: number;
  /** This process's CPU milliseconds from the start of the run (requests built) to its end: the load generator's share. */
  readonly loadCpuMs: number;
}

/**
 * One load run: one autocannon client per connection, all at once, each
 * sending its own list of payment headers in order (or `amount` unpaid
 * requests). Every request of a list is a request entry of its own, so
 * autocannon builds them all before the run (as it builds the one unpaid
 * request): during the run both send prepared bytes. One connection per
 * client keeps each voucher lane in seq order.
 */
export async function load(
  url: string,
  connections: readonly (readonly string[] | number)[],
): Promise<LoadResult> {
  let lastResponse = 0;
  const runs = connections.map(
    (lane) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const run = autocannon(
          {
            url,
            connections: 1,
            amount: typeof lane === 'number' ? lane : lane.length,
            requests:
              typeof lane === 'number'
                ? [{ method: 'GET', path: PATH }]
                : lane.map((header) => ({
                    method: 'GET',
                    path: PATH,
                    headers: { 'payment-signature': header },
                  })),
          },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        // A run resolves on autocannon's one-second tick: the clock stops at the last response instead.
        run.on('response', () => {
          lastResponse = performance.now();
        });
      }),
  );
  const started = performance.now(); // every request is built by now; the runs start on the next tick
  const cpu = process.cpuUsage();
  const machine = machineBusyMs();
  const results = await Promise.all(runs);
  const cpuUsed = process.cpuUsage(cpu);
  const machineUsed = machineBusyMs() - machine;
  const seconds = (lastResponse - started) / 1000;
  const total = results.reduce((n, r) => n + r.requests.total, 0);
  return {
    total,
    rps: total / seconds,
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
    loadCpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    machineCpuMs: machineUsed,
  };
}

/** Busy (not idle, not waiting for I/O) milliseconds of all CPUs since boot, from /proc/stat (USER_HZ 100). */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] as string;
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return (ticks.reduce((a, b) => a + b, 0) - idle) * 10;
  } catch {
    return 0;
  }
}
