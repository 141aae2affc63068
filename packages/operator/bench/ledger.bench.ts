/**
 * Ledger throughput on PostgreSQL vs stock pgbench on the same server
 * (`npm run bench:ledger`). Creates and drops its own databases on
 * BENCH_DATABASE_URL. Scenarios run interleaved, round after round, so a
 * slow patch of the machine hits all of them. The last line is JSON.
 */
import os from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import type { LedgerExecutor, TransferInput } from '../src/ledger/model.ts';
import { createLedgerService } from '../src/ledger/service.ts';
import { ledgerViolations } from '../src/ledger/testing/invariants.ts';
import { initPgbench, runPgbench } from './pgbench.ts';
import {
  type AccountSet,
  createBenchAccounts,
  HOT,
  type Measurement,
  measureBatches,
  measureSingles,
  SPREAD,
} from './workload.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const CLIENTS = 16;
const ROUNDS = 2;
const SINGLE_DURATION_MS = 3_000;
const BATCH_SIZE = 8_000;
const BATCHES_PER_ROUND = 6;
const GROUP_COMMIT = { batchSizeMax: 1_000, lingerMs: 0 } as const;
const PGBENCH = { scale: 10, clients: 8, threads: 2, durationSeconds: 15 } as const;

type Scenario = 'single, direct' | 'single, group commit' | `batches of ${number}`;
type Row = { scenario: Scenario; accounts: AccountSet; runs: Measurement[] };

async function main(): Promise<void> {
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  const ledgerDb = `tally_bench_${suffix}`;
  const pgbench = { serverUrl: SERVER_URL, database: `tally_pgbench_${suffix}`, ...PGBENCH };
  await admin(`create database ${ledgerDb}`);
  await admin(`create database ${pgbench.database}`);
  try {
    const hasPgbench = await initPgbench(pgbench);
    let pgbenchTps: number | null = null;
    // pgbench runs between the ledger rounds, so all of them see the machine in the same mood.
    const between = async () => {
      if (!hasPgbench) return;
      console.log(
        `pgbench -c ${PGBENCH.clients} -j ${PGBENCH.threads} -T ${PGBENCH.durationSeconds} (scale ${PGBENCH.scale}) ...`,
      );
      pgbenchTps = await runPgbench(pgbench);
    };
    const rows = await benchLedger(withDatabase(SERVER_URL, ledgerDb), between);
    report(rows, pgbenchTps);
  } finally {
    await admin(`drop database if exists ${ledgerDb} with (force)`);
    await admin(`drop database if exists ${pgbench.database} with (force)`);
  }
}

async function benchLedger(url: string, between: () => Promise<void>): Promise<Row[]> {
  const db = await openDatabase({ kind: 'postgres', url, poolSizeMax: CLIENTS + 4 });
  try {
    const direct = createLedgerService({ db });
    const grouped = createLedgerService({ db, groupCommit: GROUP_COMMIT });
    await createBenchAccounts(direct);
    await printMachine(db.kysely);
    const sendDirect = (inputs: readonly TransferInput[]) => direct.createTransfers(inputs);
    const sendGrouped = (inputs: readonly TransferInput[]) => grouped.createTransfers(inputs);
    const rows: Row[] = [];
    const row = (scenario: Scenario, accounts: AccountSet): Measurement[] => {
      const found = rows.find((r) => r.scenario === scenario && r.accounts === accounts);
      if (found) return found.runs;
      const added: Row = { scenario, accounts, runs: [] };
      rows.push(added);
      return added.runs;
    };
    for (let round = 1; round <= ROUNDS; round++) {
      if (round === Math.floor(ROUNDS / 2) + 1) await between();
      for (const accounts of [SPREAD, HOT]) {
        console.log(`round ${round}/${ROUNDS}, ${accounts.name} ...`);
        row('single, direct', accounts).push(
          await measureSingles(sendDirect, accounts, CLIENTS, SINGLE_DURATION_MS),
        );
        row('single, group commit', accounts).push(
          await measureSingles(sendGrouped, accounts, CLIENTS, SINGLE_DURATION_MS),
        );
        row(`batches of ${BATCH_SIZE}`, accounts).push(
          await measureBatches(sendDirect, accounts, BATCH_SIZE, BATCHES_PER_ROUND),
        );
      }
    }
    const violations = await ledgerViolations(db.kysely);
    if (violations.length > 0)
      throw new Error(`ledger invariants broken after the bench:\n${violations.join('\n')}`);
    console.log('invariants hold after the bench (zero sums, limits, holds, journal replay)');
    return rows;
  } finally {
    await db.close();
  }
}

function report(rows: Row[], pgbenchTps: number | null): void {
  const rate = (runs: Measurement[]) =>
    runs.reduce((s, m) => s + m.transfers, 0) / runs.reduce((s, m) => s + m.seconds, 0);
  const find = (scenario: Scenario, accounts: AccountSet) =>
    rate(rows.find((r) => r.scenario === scenario && r.accounts === accounts)?.runs ?? []);
  console.log('');
  console.table(
    rows.map((r) => ({
      scenario: r.scenario,
      accounts: r.accounts.name,
      transfers: r.runs.reduce((s, m) => s + m.transfers, 0),
      'transfers/s': Math.round(rate(r.runs)),
      'call ms p50': Number(median(r.runs.map((m) => m.callLatencyMsP50)).toFixed(2)),
      'call ms p99': Number(median(r.runs.map((m) => m.callLatencyMsP99)).toFixed(2)),
      'x pgbench tps': pgbenchTps ? Number((rate(r.runs) / pgbenchTps).toFixed(2)) : null,
    })),
  );
  console.log(`pgbench TPC-B tps: ${pgbenchTps ?? 'pgbench not found'}`);
  const batched = find(`batches of ${BATCH_SIZE}`, SPREAD);
  const ratio = (value: number) => (pgbenchTps ? Number((value / pgbenchTps).toFixed(2)) : null);
  console.log(
    JSON.stringify({
      transfersPerSecSingle: Math.round(find('single, direct', SPREAD)),
      transfersPerSecBatched: Math.round(batched),
      pgbenchTps: pgbenchTps === null ? null : Math.round(pgbenchTps),
      ratioBatchedToPgbench: ratio(batched),
      transfersPerSecSingleHot: Math.round(find('single, direct', HOT)),
      transfersPerSecSingleGroupCommit: Math.round(find('single, group commit', SPREAD)),
      transfersPerSecSingleGroupCommitHot: Math.round(find('single, group commit', HOT)),
      transfersPerSecBatchedHot: Math.round(find(`batches of ${BATCH_SIZE}`, HOT)),
      ratioBatchedHotToPgbench: ratio(find(`batches of ${BATCH_SIZE}`, HOT)),
    }),
  );
}

async function printMachine(kysely: LedgerExecutor): Promise<void> {
  const { rows } = await sql<{ version: string; fsync: string; sync: string }>`
    select version() as version, current_setting('fsync') as fsync,
      current_setting('synchronous_commit') as sync`.execute(kysely);
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} x ${cpus[0]?.model ?? 'unknown cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `server: ${rows[0]?.version.split(' on ')[0]}, fsync=${rows[0]?.fsync}, synchronous_commit=${rows[0]?.sync}`,
  );
  console.log(
    `ledger: ${CLIENTS} clients; ${ROUNDS} interleaved rounds; singles ${SINGLE_DURATION_MS / 1000} s each; ${BATCHES_PER_ROUND} x ${BATCH_SIZE} per batched round\n`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
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

await main();
