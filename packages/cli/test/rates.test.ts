import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyRatesFile } from '@tallystick/operator';
import { importVerificationKey } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import type { CliIo } from '../src/io.ts';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopSignal: () => new Promise<string>(() => {}),
  };
  return { io, out, err };
}

const DAY_MS = 86_400_000;

describe('tally rates keygen / sign', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tally-rates-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('makes a publisher key and a signed rates file an operator accepts; refuses a bad table', async () => {
    const keyPath = join(dir, 'publisher.json');
    const keygen = fakeIo();
    expect(await runCli(['rates', 'keygen', '--out', keyPath], keygen.io)).toBe(0);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const publicJwk = JSON.parse(keygen.out[0] ?? '');
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(publicJwk.d).toBeUndefined();
    // Never overwrites a key.
    expect(await runCli(['rates', 'keygen', '--out', keyPath], fakeIo().io)).not.toBe(0);

    const nowMs = Date.now();
    const table = {
      ratesId: 'treasury-2030-01-01',
      rates: [
        {
          ...{ base: 'SEK', quote: 'EUR', rate: '0.0874' },
          ...{
            validFrom: new Date(nowMs - DAY_MS).toISOString(),
            validUntil: new Date(nowMs + DAY_MS).toISOString(),
          },
        },
      ],
    };
    const tablePath = join(dir, 'rates.json');
    await writeFile(tablePath, JSON.stringify(table));
    const sign = fakeIo();
    expect(await runCli(['rates', 'sign', tablePath, '--key', keyPath], sign.io)).toBe(0);
    const file = await verifyRatesFile(sign.out[0] ?? '', await importVerificationKey(publicJwk), nowMs);
    expect(file).toMatchObject({
      ratesId: 'treasury-2030-01-01',
      rates: [{ numerator: 874n, denominator: 10_000n }],
    });

    await writeFile(tablePath, JSON.stringify({ ...table, rates: [{ ...table.rates[0], rate: '-1' }] }));
    const bad = fakeIo();
    expect(await runCli(['rates', 'sign', tablePath, '--key', keyPath], bad.io)).toBe(1);
    expect(bad.err[0]).toContain('rates_file_malformed');
    expect(await readFile(keyPath, 'utf8')).toContain('"d"');
  });

  it('answers a missing subcommand or flag with the usage (exit 2)', async () => {
    expect(await runCli(['rates'], fakeIo().io)).toBe(2);
    expect(await runCli(['rates', 'sign', 'x.json'], fakeIo().io)).toBe(2);
    expect(await runCli(['rates', 'keygen'], fakeIo().io)).toBe(2);
  });
});
