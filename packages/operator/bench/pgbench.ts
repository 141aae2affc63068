import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PgbenchOptions {
  /** Server URL; pgbench gets host, port, user and password from it. */
  readonly serverUrl: string;
  readonly database: string;
  readonly scale: number;
  readonly clients: number;
  readonly threads: number;
  readonly durationSeconds: number;
}

/**
 * The yardstick: stock pgbench TPC-B-like on the same server, `-i -s <scale>`
 * into its own database and then a timed run. Returns tps, or null when
 * pgbench is not installed.
 */
export async function runPgbench(options: PgbenchOptions): Promise<number | null> {
  const url = new URL(options.serverUrl);
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
  try {
    await run('pgbench', ['-i', '-q', '-s', String(options.scale), options.database], { env });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const { stdout } = await run(
    'pgbench',
    [
      '-c',
      String(options.clients),
      '-j',
      String(options.threads),
      '-T',
      String(options.durationSeconds),
      options.database,
    ],
    { env },
  );
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!match?.[1]) throw new Error(`could not read tps from pgbench output:\n${stdout}`);
  return Number(match[1]);
}
