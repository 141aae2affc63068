/**
 * Trading sessions end to end (`npm run bench:sessions`): op-a (customers,
 * SEK) and op-b (the shop's MTA, EUR) each in its own child process on its own
 * fresh PostgreSQL database (created and dropped here, on BENCH_DATABASE_URL),
 * the shop (merchant SDK) in a third, the load generator (wallet SDK) in this
 * one; real HTTP between all of them on 127.0.0.1. CONCURRENCY customers each
 * run sessions back to back: open, PURCHASES purchases, close, wait for the
 * clearing at op-a. Sessions that start in the warm-up are not counted. The
 * last line is JSON.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateSigningKey } from '@tallystick/protocol';
import { createNodeFetch } from '@tallystick/protocol/node';
import { createWallet, type TradingSession, type Wallet } from '@tallystick/wallet';
import pg from 'pg';
import { generateAdminToken } from '../src/config/admin-token.ts';
import { pgCpuUsBetween, sampleLockWaits, samplePgUsage } from './pg-usage.ts';
import { PURCHASE_PATH, type RoleMessage, TERMINATE_PATH } from './sessions-roles.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 5_000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 20_000);
const PURCHASES = 10;
const PRICE_MINOR = 10n;
const DEPOSIT_MINOR = 10_000n;
const CREDIT_LIMIT_MINOR = 10n ** 15n;
const SESSION_SECONDS = 600;
const CLEARED_POLL_MS = 2;
const CLEARED_WAIT_MS = 10_000;
const ROLES = fileURLToPath(new URL('./sessions-roles.ts', import.meta.url));
const OP_A = { id: 'op-a', currency: 'SEK' } as const;
const OP_B = { id: 'op-b', currency: 'EUR' } as const;
/** The wallets' and the load generator's HTTP client: node:http with keep-alive, as a Node app would use. */
const nodeFetch = createNodeFetch();

interface SessionTiming {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly openMs: number;
  readonly clearMs: number;
}

async function main(): Promise<void> {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const databases = [`tally_bench_a_${suffix}`, `tally_bench_b_${suffix}`];
  const children: ChildProcess[] = [];
  let timings: SessionTiming[] = [];
  let cpuMsPerSession: { process: string; cpuMsPerSession: number }[] = [];
  let commitsPerSession = Number.NaN;
  for (const name of databases) await admin(`create database ${name}`);
  try {
    const adminToken = generateAdminToken();
    const [portA, portB] = [await freePort(), await freePort()];
    const urlA = `http://127.0.0.1:${portA}`;
    const urlB = `http://127.0.0.1:${portB}`;
    const common = { TALLY_ADMIN_TOKEN: adminToken, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' };
    const [opA, opB] = await Promise.all([
      startChild(children, 'operator', {
        ...common,
        ...{ TALLY_OPERATOR_ID: OP_A.id, TALLY_CURRENCY: OP_A.currency, BENCH_PORT: String(portA) },
        ...{ DATABASE_URL: databaseUrl(databases[0] as string), TALLY_PEERS: `${OP_B.id}=${urlB}` },
        TALLY_RATES: 'SEK/EUR=0.0874,EUR/SEK=11.4',
      }),
      startChild(children, 'operator', {
        ...common,
        ...{ TALLY_OPERATOR_ID: OP_B.id, TALLY_CURRENCY: OP_B.currency, BENCH_PORT: String(portB) },
        ...{ DATABASE_URL: databaseUrl(databases[1] as string), TALLY_PEERS: `${OP_A.id}=${urlA}` },
        TALLY_RATES: 'SEK/EUR=0.0874,EUR/SEK=11.4',
      }),
    ]);
    const shop = await startChild(children, 'shop', {
      ...common,
      ...{ BENCH_MTA_URL: opB.url, BENCH_MTA_ID: OP_B.id },
    });
    printMachine();
    const customers = await Promise.all(
      Array.from({ length: CONCURRENCY }, () => customerWallet(opA.url, adminToken)),
    );
    console.log(
      `load: ${CONCURRENCY} customers, sessions back to back (open, ${PURCHASES} purchases, close, cleared at op-a); warm-up ${WARMUP_MS} ms, measured ${MEASURE_MS} ms`,
    );
    const names = ['op-a', 'op-b', 'shop', 'load generator'];
    const pgBefore = await samplePgUsage(SERVER_URL, databases);
    const before = await cpuOf(children);
    const lockWaits = sampleLockWaits(SERVER_URL, databases);
    timings = await runLoad(customers, { shopUrl: shop.url, merchantId: shop.merchantId ?? '' });
    const waits = await lockWaits.stop();
    const after = await cpuOf(children);
    const pgAfter = await samplePgUsage(SERVER_URL, databases);
    const perSession = (value: number) => value / Math.max(1, sessionsRun);
    cpuMsPerSession = [
      ...names.map((name, i) => ({
        process: name,
        cpuMsPerSession: round(perSession(((after[i] ?? 0) - (before[i] ?? 0)) / 1000)),
      })),
      { process: 'postgres', cpuMsPerSession: round(perSession(pgCpuUsBetween(pgBefore, pgAfter) / 1000)) },
    ];
    commitsPerSession = round(perSession(pgAfter.commits - pgBefore.commits));
    lockWaitsAvg = ['op-a', 'op-b'].map((name, i) => ({
      process: name,
      waiting: round((waits.waitingByDatabase.get(databases[i] as string) ?? 0) / Math.max(1, waits.samples)),
    }));
  } finally {
    // The shop and the MTA first, so no clearing is on its way to a stopped AM; then the report is last.
    for (const child of [...children].reverse()) await stopChild(child);
    for (const name of databases) await admin(`drop database if exists ${name} with (force)`);
  }
  report(timings, cpuMsPerSession, commitsPerSession);
}

/** Backends waiting on a lock, averaged over samples every 200 ms during the whole load, per operator database. */
let lockWaitsAvg: { process: string; waiting: number }[] = [];
/** Sessions run from start to end of the load (warm-up included): the CPU figures divide by this. */
let sessionsRun = 0;
/** Status polls while waiting for the clearing: each is an HTTP call and, at op-a, one read of the transaction with its clearing (plus authentication). */
let statusPolls = 0;

/** CPU microseconds (user + system) of each child, then of this process. */
async function cpuOf(children: readonly ChildProcess[]): Promise<number[]> {
  const ofChild = (child: ChildProcess) =>
    new Promise<number>((resolve) => {
      const listen = (message: RoleMessage) => {
        if (message.kind !== 'cpu') return;
        child.off('message', listen);
        resolve(message.user + message.system);
      };
      child.on('message', listen);
      child.send('cpu');
    });
  const own = process.cpuUsage();
  return [...(await Promise.all(children.map(ofChild))), own.user + own.system];
}

async function runLoad(
  wallets: readonly Wallet[],
  shop: { readonly shopUrl: string; readonly merchantId: string },
): Promise<SessionTiming[]> {
  const startMs = performance.now();
  const measureFromMs = startMs + WARMUP_MS;
  const stopAtMs = measureFromMs + MEASURE_MS;
  const timings: SessionTiming[] = [];
  await Promise.all(
    wallets.map(async (wallet) => {
      while (performance.now() < stopAtMs) {
        const timing = await oneSession(wallet, shop);
        sessionsRun++;
        if (timing.startedAtMs >= measureFromMs && timing.endedAtMs <= stopAtMs) timings.push(timing);
      }
    }),
  );
  return timings;
}

/** Open, PURCHASES purchases at the shop, close (terminate to the shop, record to op-a), cleared at op-a. */
async function oneSession(
  wallet: Wallet,
  shop: { readonly shopUrl: string; readonly merchantId: string },
): Promise<SessionTiming> {
  const startedAtMs = performance.now();
  // The wallet sends its record right after the terminate hook returns (trading-session.ts #finish).
  let recordSentAtMs = 0;
  const session: TradingSession = await wallet.openSession(
    {
      merchantId: shop.merchantId,
      merchantOperatorId: OP_B.id,
      offerId: 'articles',
      currency: OP_B.currency,
    },
    {
      depositMinor: DEPOSIT_MINOR,
      timeoutSeconds: SESSION_SECONDS,
      onTerminate: async (notice) => {
        await postJson(`${shop.shopUrl}${TERMINATE_PATH}`, { terminate: notice.terminate });
        recordSentAtMs = performance.now();
      },
    },
  );
  const openMs = performance.now() - startedAtMs;
  for (let i = 1; i <= PURCHASES; i++) {
    const sku = `article-${i}`;
    const payment = await session.pay({ sku, description: `Article ${i}`, priceMinor: PRICE_MINOR });
    await postJson(`${shop.shopUrl}${PURCHASE_PATH}`, {
      transactionId: payment.transactionId,
      voucher: payment.voucher,
      sku,
      priceMinor: String(PRICE_MINOR),
    });
  }
  // close(): terminate to the shop (which hands in the merchant's record first), then the
  // customer's record to op-a, relayed to op-b: that is the last record, and the clock starts
  // when the wallet sends it. It stops when op-a reports the transaction cleared.
  const [summary, ...more] = await session.close();
  if (!summary?.terminateDelivered || more.length > 0)
    throw new Error('the session did not close as one transaction');
  const transactionId = summary.transactionId;
  const deadline = performance.now() + CLEARED_WAIT_MS;
  for (;;) {
    statusPolls++;
    if ((await wallet.getTransaction(transactionId)).status === 'cleared') break;
    if (performance.now() > deadline)
      throw new Error(`${transactionId} not cleared in ${CLEARED_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, CLEARED_POLL_MS));
  }
  const endedAtMs = performance.now();
  return { startedAtMs, endedAtMs, openMs, clearMs: endedAtMs - recordSentAtMs };
}

async function customerWallet(amUrl: string, adminToken: string): Promise<Wallet> {
  const key = await generateSigningKey();
  const response = await fetch(`${amUrl}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      displayName: 'Bench customer',
      publicJwk: key.publicJwk,
      creditLimitMinor: String(CREDIT_LIMIT_MINOR),
    }),
  });
  const registered = (await response.json()) as { customerId: string; apiKey: string };
  if (response.status !== 201) throw new Error(`customer registration: ${JSON.stringify(registered)}`);
  return createWallet({
    amBaseUrl: amUrl,
    amOperatorId: OP_A.id,
    customerId: registered.customerId,
    apiKey: registered.apiKey,
    customerKey: key,
    customerCurrency: OP_A.currency,
    retriesMax: 0,
    fetch: nodeFetch,
  });
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await nodeFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = await response.json();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}

function report(
  timings: readonly SessionTiming[],
  cpu: readonly { process: string; cpuMsPerSession: number }[],
  commitsPerSession: number,
): void {
  const cpuMsTotal = round(cpu.reduce((sum, c) => sum + c.cpuMsPerSession, 0));
  const seconds = MEASURE_MS / 1000;
  const open = timings.map((t) => t.openMs);
  const clear = timings.map((t) => t.clearMs);
  const session = timings.map((t) => t.endedAtMs - t.startedAtMs);
  const row = (name: string, values: number[]) => ({
    step: name,
    'p50 ms': round(percentile(values, 0.5)),
    'p99 ms': round(percentile(values, 0.99)),
    'max ms': round(Math.max(...values)),
  });
  console.log('');
  console.log(
    `sessions completed in the measured ${seconds} s: ${timings.length} (${round(timings.length / seconds)} sessions/s)`,
  );
  console.table([row('open', open), row('clear', clear), row('whole session', session)]);
  console.log(
    'open: wallet.openSession (initiation -> op-a -> op-b -> shop and back: session ready); ' +
      "clear: from the wallet sending the last record (the customer's; the shop's went in with the terminate) " +
      'until op-a reports the transaction cleared (GET /v1/am/transactions/:id, polled every 2 ms)',
  );
  console.log(
    'CPU per session (user + system, whole run incl. warm-up; postgres = the backends serving the two bench databases): ' +
      cpu.map((c) => `${c.process} ${c.cpuMsPerSession} ms`).join(', ') +
      `; total ${cpuMsTotal} ms`,
  );
  console.log(
    `status polls per session (GET /v1/am/transactions/:id): ${round(statusPolls / Math.max(1, sessionsRun))}`,
  );
  console.log(
    `PostgreSQL commits per session (both databases, incl. background workers): ${commitsPerSession}`,
  );
  console.log(
    `backends waiting on locks (average of samples every 200 ms): ${lockWaitsAvg.map((w) => `${w.process} ${w.waiting}`).join(', ')}`,
  );
  console.log(`uptime: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  console.log(
    JSON.stringify({
      sessionsPerSec: round(timings.length / seconds),
      openP99Ms: round(percentile(open, 0.99)),
      clearP99Ms: round(percentile(clear, 0.99)),
      openP50Ms: round(percentile(open, 0.5)),
      clearP50Ms: round(percentile(clear, 0.5)),
      concurrency: CONCURRENCY,
      cpuMsPerSession: cpuMsTotal,
      commitsPerSession,
      lockWaitsA: lockWaitsAvg[0]?.waiting,
      lockWaitsB: lockWaitsAvg[1]?.waiting,
    }),
  );
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

function round(value: number): number {
  return Number(value.toFixed(2));
}

function printMachine(): void {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log('processes: op-a, op-b and the shop in one child process each; the load generator in this one');
}

function startChild(
  children: ChildProcess[],
  role: 'operator' | 'shop',
  env: Record<string, string>,
): Promise<{ url: string; merchantId?: string }> {
  const child = fork(ROLES, [role], {
    env: { ...process.env, ...env },
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_CHILD_NODE_OPTIONS?.split(' ').filter(Boolean) ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
    child.once('message', (message: RoleMessage) => {
      if (message.kind === 'ready') resolve(message);
      else if (message.kind === 'failed') reject(new Error(`${role}: ${message.message}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send('stop');
  });
}

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

await main();
