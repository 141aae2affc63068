/*
 * The paywall's own cost per request, in process and without HTTP:
 * `npx tsx bench/paywall/micro.ts` (MICRO_COUNT requests, MICRO_LANES
 * transactions; MICRO_HC_ONLY=1 or MICRO_VOUCHER_ONLY=1 for one scheme, e.g.
 * under `node --import tsx --cpu-prof`). For finding waste; `bench:paywall`
 * is the measure that counts.
 */
import { createBenchPaywall } from './merchant-side.ts';
import { PATH } from './model.ts';
import { openBenchSessions } from './wallet-side.ts';

const COUNT = Number(process.env.MICRO_COUNT ?? 50_000);
const LANES = Number(process.env.MICRO_LANES ?? 32);
const sessions = await openBenchSessions({ lanes: LANES, chainLength: Math.ceil((4 * COUNT) / LANES) + 10 });
const paywall = await createBenchPaywall(
  sessions.mtaPublicJwk,
  sessions.informations,
  // BENCH_VOUCHER_VERIFY=worker|threadpool|inline, as in the HTTP bench's server.
  process.env.BENCH_VOUCHER_VERIFY
    ? { voucherVerify: process.env.BENCH_VOUCHER_VERIFY as 'worker' | 'threadpool' | 'inline' }
    : {},
);

/** The request as an adapter hands it over (a class: no closure per request). */
class BenchRequest {
  readonly method = 'GET';
  readonly path = PATH;
  readonly url = `http://127.0.0.1${PATH}`;
  readonly params = {};
  constructor(private readonly signature: string) {}
  header(name: string): string | undefined {
    return name === 'payment-signature' ? this.signature : undefined;
  }
}

async function measure(name: string, headers: string[]): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const header of headers) {
    // Awaited only when a promise: a hash chain is decided and settled synchronously, as in the adapters.
    let gate = paywall.authorize(new BenchRequest(header));
    if (gate instanceof Promise) gate = await gate;
    if (gate.kind !== 'paid') throw new Error(`not paid: ${JSON.stringify(gate)}`);
    let settled = gate.settle();
    if (settled instanceof Promise) settled = await settled;
    if (!settled.ok) throw new Error('not settled');
  }
  const us = ((performance.now() - started) * 1000) / headers.length;
  // CPU time (all threads, the thread pool's verifications included): steadier than wall time on a shared machine.
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / headers.length;
  console.log(
    `${name.padEnd(9)} ${us.toFixed(2)} µs/request, ${cpuUs.toFixed(2)} µs CPU (${headers.length})`,
  );
}

for (let round = 0; round < 3; round++) {
  if (!process.env.MICRO_VOUCHER_ONLY) await measure('hashChain', sessions.paywordHeaders(COUNT));
  if (!process.env.MICRO_HC_ONLY) await measure('voucher', sessions.voucherHeaders(COUNT / 10));
}
