import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { CliIo } from './io.ts';

function fakeIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, out, err };
}

describe('runCli', () => {
  it('prints the usage for --help and exits 0', async () => {
    const { io, out } = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('tally operator serve --id <id> --currency <CUR>');
    expect(await runCli(['operator', 'serve', '--help'], io)).toBe(0);
  });

  it.each([[[]], [['bogus']], [['operator']], [['operator', 'dance']]])(
    'answers %j with the usage and exit code 2',
    async (argv) => {
      const { io, out, err } = fakeIo();
      expect(await runCli(argv, io)).toBe(2);
      expect([...out, ...err].join('\n')).toContain('Usage:');
    },
  );

  it('answers an unknown or malformed flag with exit code 2', async () => {
    const { io, err } = fakeIo();
    expect(await runCli(['operator', 'serve', '--id', 'demo', '--nope'], io)).toBe(2);
    expect(err[0]).toContain("Unknown option '--nope'");
    expect(await runCli(['operator', 'serve', '--id'], io)).toBe(2);
  });

  it('names the bad setting and exits 1, from a flag or from the environment', async () => {
    const flag = fakeIo();
    expect(
      await runCli(['operator', 'serve', '--id', 'demo', '--currency', 'EURO', '--memory'], flag.io),
    ).toBe(1);
    expect(flag.err).toEqual(['tally: --currency: "EURO" is not an ISO 4217 code we support']);
    const env = fakeIo({ TALLY_CURRENCY: 'EURO' });
    expect(await runCli(['operator', 'serve', '--id', 'demo', '--memory'], env.io)).toBe(1);
    expect(env.err).toEqual(['tally: TALLY_CURRENCY: "EURO" is not an ISO 4217 code we support']);
    const missing = fakeIo();
    expect(await runCli(['operator', 'serve', '--currency', 'EUR'], missing.io)).toBe(1);
    expect(missing.err[0]).toMatch(/^tally: TALLY_OPERATOR_ID: is required/);
    const pg = fakeIo({ DATABASE_URL: 'postgres://127.0.0.1/x' });
    expect(await runCli(['operator', 'serve', '--id', 'demo', '--currency', 'EUR'], pg.io)).toBe(1);
    expect(pg.err[0]).toMatch(/^tally: TALLY_ADMIN_TOKEN: is required with DATABASE_URL/);
  });

  it('serves until the stop signal, then stops cleanly with exit code 0', async () => {
    const { io, out } = fakeIo({ LOG_LEVEL: 'silent' });
    expect(
      await runCli(['operator', 'serve', '--id', 'demo', '--currency', 'EUR', '--memory', '--port', '0'], io),
    ).toBe(0);
    expect(out.join('\n')).toMatch(/url: +http:\/\/127\.0\.0\.1:\d+/);
    expect(out.at(-1)).toBe('tally: SIGTERM received, stopping operator demo');
  });
});
