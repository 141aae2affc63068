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
 * The yardstick: stock pgbench TPC-B-like on the same server. `initPgbench`
 * loads `-i -s <scale>` into its own database (false when pgbench is not
 * installed), `runPgbench` runs it for a while and returns tps.
 */
export async function initPgbench(options: PgbenchOptions): Promise<boolean> {
  try {
    await run('pgbench', ['-i', '-q', '-s', String(options.scale), options.database], {
      env: pgEnv(options),
    });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export async function runPgbench(options: PgbenchOptions): Promise<number> {
  const args = [
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.durationSeconds),
  ];
  const { stdout } = await run('pgbench', [...args, options.database], { env: pgEnv(options) });
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (!match?.[1]) throw new Error(`could not read tps from pgbench output:\n${stdout}`);
  return Number(match[1]);
}

function pgEnv(options: PgbenchOptions): NodeJS.ProcessEnv {
  const url = new URL(options.serverUrl);
  return {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
}
