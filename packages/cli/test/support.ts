import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portProblem } from '../src/network/ports.ts';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'tally.js');

export interface Tally {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** `tally <args>` as a user runs it, without anything in our environment that points at PostgreSQL. */
export function tally(args: readonly string[], cwd: string): Tally {
  const { DATABASE_URL: _u, TALLY_ADMIN_TOKEN: _t, TEST_DATABASE_URL: _d, ...env } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, LOG_LEVEL: 'warn' } });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Whatever a failed test left running. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Waits until stdout matches, or fails with what the process said. */
export async function waitFor(t: Tally, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(t.stdout());
    if (match) return match;
    if (t.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`tally did not print ${pattern}:\n${t.stdout()}\n${t.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A base port with it and the next three free (`tally start` uses all four). */
export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const problems = await Promise.all([0, 1, 2, 3].map((i) => portProblem('127.0.0.1', base + i)));
    if (problems.every((p) => p === undefined)) return base;
  }
  throw new Error('no four free ports in a row');
}
