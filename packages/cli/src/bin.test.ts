import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tally.js');
const READY_TIMEOUT_MS = 30_000;

interface Tally {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

function tally(args: readonly string[], cwd: string): Tally {
  // Our own env, minus anything that would switch the node to PostgreSQL.
  const { DATABASE_URL: _u, TALLY_ADMIN_TOKEN: _t, ...env } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, LOG_LEVEL: 'warn' } });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => output, exited };
}

/** Waits for the whole start-up banner (it ends with the Ctrl+C hint), then returns its URL. */
async function urlOf(tallyProcess: Tally): Promise<string> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const output = tallyProcess.output();
    const match = /url: +(http:\/\/\S+)/.exec(output);
    if (match?.[1] && output.includes('Press Ctrl+C')) return match[1];
    if (tallyProcess.child.exitCode !== null)
      throw new Error(`tally exited early:\n${tallyProcess.output()}`);
    if (Date.now() > deadline) throw new Error(`tally did not start:\n${tallyProcess.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the tally binary', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'tally-cli-'));
  });
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('serves an in-memory operator, with health and OpenAPI, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const node = tally(
      ['operator', 'serve', '--memory', '--id', 'demo', '--currency', 'EUR', '--port', String(port)],
      workDir,
    );
    const url = await urlOf(node);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(node.output()).toMatch(/admin token: +tat_[A-Za-z0-9_-]{43}/);
    expect(node.output()).toContain(`docs:         ${url}/docs`);

    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      operatorId: 'demo',
      currency: 'EUR',
      database: 'pglite',
    });
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/v1/transfers');

    node.child.kill('SIGTERM');
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(node.output()).toContain('SIGTERM received');
  });

  it('recovers a data dir left locked by a killed process, keeping its admin token', async () => {
    const dataDir = join(workDir, 'killed');
    const args = [
      'operator',
      'serve',
      '--id',
      'bank-a',
      '--currency',
      'EUR',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ];
    const first = tally(args, workDir);
    await urlOf(first);
    const token = /admin token: +(\S+)/.exec(first.output())?.[1];
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = tally(args, workDir);
    const url = await urlOf(second);
    expect(/admin token: +(\S+)/.exec(second.output())?.[1]).toBe(token);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('refuses a data dir in use by a live process: one line naming its pid, exit 1, quickly', async () => {
    const dataDir = join(workDir, 'shared');
    const args = [
      'operator',
      'serve',
      '--id',
      'bank-b',
      '--currency',
      'EUR',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ];
    const owner = tally(args, workDir);
    await urlOf(owner);

    const startedMs = Date.now();
    const intruder = tally(args, workDir);
    const { code } = await intruder.exited;
    expect(code).toBe(1);
    expect(Date.now() - startedMs).toBeLessThan(15_000);
    expect(intruder.output().trim()).toBe(
      `tally: data directory ${dataDir} is in use by process ${owner.child.pid}; stop that process or use another --data-dir`,
    );

    owner.child.kill('SIGTERM');
    expect((await owner.exited).code).toBe(0);
  });
});
