/*
 * `npm run bench:paywall`: one trivial JSON endpoint on Fastify, unpaid
 * (no paywall), paid with vouchers (one P-256 signature per request) and
 * paid with a hash chain (one SHA-256 per request), in interleaved rounds
 * under the same load generator (autocannon, in this process; the server
 * runs in a child process). Payment headers are made before each run.
 * Prints req/s and p99 per run, then one JSON line with the median ratios.
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type LoadResult, load } from './load.ts';
import type { ToRunner, ToServer } from './model.ts';
import { openBenchSessions } from './wallet-side.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const AMOUNT_FAST = Number(process.env.BENCH_AMOUNT ?? 60_000);
const AMOUNT_VOUCHER = Math.round(AMOUNT_FAST / 3);

type Variant = 'unpaid' | 'voucher' | 'hashChain' | 'floor';
/** The server's milliseconds during a run: event loop busy, CPU (all threads), of which kernel. */
type Used = {
  busyMs: number;
  cpuMs: number;
  systemMs: number;
  mainThreadMs: number;
  otherThreadsMs: number;
};

const server = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
  // BENCH_CPU_PROF=dir writes the server's CPU profile there.
  execArgv: [
    '--import',
    'tsx',
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    // BENCH_PERF_MAP=1: JIT symbols for `perf record -p <server pid>` (the pid is printed with BENCH_ONLY).
    ...(process.env.BENCH_PERF_MAP ? ['--perf-basic-prof'] : []),
  ],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const send = (message: ToServer) => server.send(message);
let onBusy: ((value: Used) => void) | undefined;
const reply = new Promise<Extract<ToRunner, { type: 'ready' }>>((resolve, reject) => {
  server.on('message', (message: ToRunner) => {
    if (message.type === 'ready') resolve(message);
    else if (message.type === 'utilization')
      onBusy?.({
        busyMs: message.value,
        cpuMs: message.cpuMs,
        systemMs: message.systemMs,
        mainThreadMs: message.mainThreadMs,
        otherThreadsMs: message.otherThreadsMs,
      });
    else reject(new Error(message.message));
  });
  server.on('exit', (code) => reject(new Error(`the server process exited (${code})`)));
});
/**
 * The server's busy (event-loop active) and CPU milliseconds during `work`:
 * its cost per request, unaffected by idle time. Busy time also counts time
 * the server was preempted by other processes; CPU time does not.
 */
async function measured<T>(work: () => Promise<T>): Promise<[T, Used]> {
  send({ type: 'mark' });
  // On stderr, for attaching a profiler to the server for exactly one run (with BENCH_ONLY).
  if (process.env.BENCH_ONLY) console.error(`measuring: server pid ${server.pid}`);
  const result = await work();
  const used = new Promise<Used>((resolve) => {
    onBusy = resolve;
  });
  send({ type: 'report' });
  return [result, await used];
}

try {
  console.log(
    `paywall bench: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const sessions = await openBenchSessions({
    lanes: CONNECTIONS,
    chainLength: Math.ceil(((ROUNDS + 1) * AMOUNT_FAST) / CONNECTIONS) + 100,
  });
  send({ type: 'setup', mtaPublicJwk: sessions.mtaPublicJwk, informations: sessions.informations });
  const { unpaidUrl, paidUrl, floorUrl } = await reply;

  let lastPaywordHeaders: string[] = [];
  const run = async (variant: Variant, amount: number): Promise<LoadResult & Used> => {
    const perConnection = Math.floor(amount / CONNECTIONS);
    if (variant === 'unpaid') {
      const [result, used] = await measured(() => load(unpaidUrl, Array(CONNECTIONS).fill(perConnection)));
      return { ...result, ...used };
    }
    // Headers made before the run; lane c takes every CONNECTIONS-th one (its own transaction).
    const count = perConnection * CONNECTIONS;
    // The floor is sent the last hash-chain run's headers again (it verifies nothing): new indices
    // would make the next hash-chain run's first payment per lane hash its way past them.
    const headers =
      variant === 'voucher'
        ? sessions.voucherHeaders(count)
        : variant === 'floor' && lastPaywordHeaders.length >= count
          ? lastPaywordHeaders.slice(0, count)
          : sessions.paywordHeaders(count);
    if (variant === 'hashChain') lastPaywordHeaders = headers;
    const lanes = Array.from({ length: CONNECTIONS }, (_, c) =>
      headers.filter((_h, i) => i % CONNECTIONS === c),
    );
    const [result, used] = await measured(() => load(variant === 'floor' ? floorUrl : paidUrl, lanes));
    return { ...result, ...used };
  };
  // BENCH_ONLY=hashChain (or voucher, unpaid) runs one variant: for profiling, no ratios.
  const only = process.env.BENCH_ONLY as Variant | undefined;
  // Warm-up: JIT, connection pools, the merchant's lanes.
  if (!only || only === 'unpaid') await run('unpaid', AMOUNT_FAST / 4);
  if (!only || only === 'hashChain') await run('hashChain', AMOUNT_FAST / 4);
  if (!only || only === 'voucher') await run('voucher', AMOUNT_VOUCHER / 4);
  if (!only || only === 'floor') await run('floor', AMOUNT_FAST / 4);

  const voucherRatios: number[] = [];
  const hashChainRatios: number[] = [];
  const floorRatios: number[] = [];
  const rps: Record<Variant, number[]> = { unpaid: [], voucher: [], hashChain: [], floor: [] };
  const orders: Variant[][] = [
    ['unpaid', 'voucher', 'hashChain', 'floor'],
    ['hashChain', 'floor', 'unpaid', 'voucher'],
    ['voucher', 'floor', 'hashChain', 'unpaid'],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    const results = {} as Record<Variant, LoadResult>;
    for (const variant of (orders[round % orders.length] as Variant[]).filter((v) => !only || v === only)) {
      const result = await run(variant, variant === 'voucher' ? AMOUNT_VOUCHER : AMOUNT_FAST);
      results[variant] = result;
      rps[variant].push(result.rps);
      console.log(
        `round ${round + 1}  ${variant.padEnd(9)}  ${Math.round(result.rps).toString().padStart(6)} req/s  ` +
          `p99 ${String(result.p99Ms).padStart(3)} ms  server ${((result.busyMs * 1000) / result.total).toFixed(1)} µs/request busy, ` +
          `${((result.cpuMs * 1000) / result.total).toFixed(1)} µs CPU ` +
          `(${((result.systemMs * 1000) / result.total).toFixed(1)} kernel; ` +
          `main thread ${((result.mainThreadMs * 1000) / result.total).toFixed(0)}, ` +
          `other threads ${((result.otherThreadsMs * 1000) / result.total).toFixed(0)}), ` +
          `load generator ${((result.loadCpuMs * 1000) / result.total).toFixed(1)} µs CPU, ` +
          `machine ${((result.machineCpuMs * 1000) / result.total).toFixed(0)} µs CPU` +
          (result.non2xx || result.errors ? `  (${result.non2xx} non-2xx, ${result.errors} errors)` : ''),
      );
    }
    if (only) continue;
    voucherRatios.push(results.voucher.rps / results.unpaid.rps);
    hashChainRatios.push(results.hashChain.rps / results.unpaid.rps);
    floorRatios.push(results.floor.rps / results.unpaid.rps);
  }
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const round2 = (n: number) => Math.round(n * 1000) / 1000;
  console.log(
    JSON.stringify({
      unpaidRps: Math.round(median(rps.unpaid)),
      voucherRps: Math.round(median(rps.voucher)),
      hashChainRps: Math.round(median(rps.hashChain)),
      voucherRatio: round2(median(voucherRatios)),
      hashChainRatio: round2(median(hashChainRatios)),
      // The x402 headers' own HTTP cost (the paid requests, no verification): the ceiling for any paywall.
      floorRps: Math.round(median(rps.floor)),
      floorRatio: round2(median(floorRatios)),
    }),
  );
} finally {
  send({ type: 'stop' });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
