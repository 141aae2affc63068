/**
 * What the bench's PostgreSQL backends cost: CPU of the server processes that
 * serve the bench databases (read from /proc, so only on Linux with the server
 * on this machine) and commits, from pg_stat_database. The node processes'
 * own CPU leaves these out, and on a shared box they are most of the rest.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Backends flush their statistics about once a second; wait that out before reading them. */
const STATS_FLUSH_MS = 1_100;

export interface PgUsage {
  /** CPU microseconds per backend pid (user + system), for the backends alive at sampling. */
  readonly cpuUsByPid: ReadonlyMap<number, number>;
  readonly commits: number;
  readonly rollbacks: number;
}

export async function samplePgUsage(serverUrl: string, databases: readonly string[]): Promise<PgUsage> {
  await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query('select pg_stat_clear_snapshot()');
    const backends = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = any($1::text[])',
      [databases],
    );
    const stats = await client.query<{ commits: string; rollbacks: string }>(
      `select coalesce(sum(xact_commit), 0)::text as commits, coalesce(sum(xact_rollback), 0)::text as rollbacks
       from pg_stat_database where datname = any($1::text[])`,
      [databases],
    );
    const cpuUsByPid = new Map<number, number>();
    for (const { pid } of backends.rows) {
      const cpuUs = processCpuUs(pid);
      if (cpuUs !== undefined) cpuUsByPid.set(pid, cpuUs);
    }
    return {
      cpuUsByPid,
      commits: Number(stats.rows[0]?.commits ?? 0),
      rollbacks: Number(stats.rows[0]?.rollbacks ?? 0),
    };
  } finally {
    await client.end();
  }
}

/** CPU the backends used between two samples; a backend that started in between counts whole. */
export function pgCpuUsBetween(before: PgUsage, after: PgUsage): number {
  let total = 0;
  for (const [pid, cpuUs] of after.cpuUsByPid) total += cpuUs - (before.cpuUsByPid.get(pid) ?? 0);
  return total;
}

function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at state; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Samples, every `intervalMs`, how many backends of each bench database wait on a lock (row or otherwise). */
export function sampleLockWaits(
  serverUrl: string,
  databases: readonly string[],
  intervalMs = 200,
): { stop(): Promise<{ samples: number; waitingByDatabase: Map<string, number> }> } {
  const client = new pg.Client({ connectionString: serverUrl });
  const waitingByDatabase = new Map<string, number>(databases.map((name) => [name, 0]));
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ datname: string; waiting: number }>(
        `select datname, count(*)::int as waiting from pg_stat_activity
         where datname = any($1::text[]) and wait_event_type = 'Lock' group by datname`,
        [databases],
      );
      samples++;
      for (const row of rows)
        waitingByDatabase.set(row.datname, (waitingByDatabase.get(row.datname) ?? 0) + row.waiting);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples, waitingByDatabase };
    },
  };
}
