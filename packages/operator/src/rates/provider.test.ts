import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, importVerificationKey, type SigningKey } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATES_FILE_ERRORS } from './errors.ts';
import { type RatesFileBody, signRatesFile, verifyRatesFile } from './file.ts';
import { createRatesFileProvider } from './provider.ts';
import { createTableRateSource } from './table.ts';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2030, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function body(ratesId: string, rate: string, fromMs = T0, untilMs = T0 + DAY_MS): RatesFileBody {
  return {
    ratesId,
    rates: [
      { base: 'SEK', quote: 'EUR', rate, validFrom: iso(fromMs), validUntil: iso(untilMs) },
      { base: 'EUR', quote: 'SEK', rate: '11.4', validFrom: iso(fromMs), validUntil: iso(untilMs) },
    ],
  };
}

/** Flips one character of the payload: the signature no longer matches. */
function tamper(compact: string): string {
  const [header = '', payload = '', signature = ''] = compact.split('.');
  const i = Math.floor(payload.length / 2);
  const flipped = payload[i] === 'A' ? 'B' : 'A';
  return [header, `${payload.slice(0, i)}${flipped}${payload.slice(i + 1)}`, signature].join('.');
}

let publisher: SigningKey;
let dir: string;
beforeAll(async () => {
  publisher = await generateSigningKey('EdDSA');
  dir = await mkdtemp(join(tmpdir(), 'tally-rates-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('signed rates file', () => {
  it('verifies and reads each rate with its window', async () => {
    const compact = await signRatesFile(publisher, body('r-1', '0.0874'), T0);
    const file = await verifyRatesFile(
      compact,
      await importVerificationKey(publisher.publicJwk),
      T0 + 60_000,
    );
    if ('error' in file) throw new Error(file.detail);
    expect(file).toMatchObject({ ratesId: 'r-1', issuedAtMs: T0 });
    expect(file.rates[0]).toEqual({
      ...{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
      ...{ validFromMs: T0, validUntilMs: T0 + DAY_MS },
    });
  });

  it.each([
    ['unsigned (plain JSON)', async () => JSON.stringify(body('r-1', '0.0874')), 'rates_file_unsigned'],
    [
      'tampered',
      async () => tamper(await signRatesFile(publisher, body('r-1', '0.0874'), T0)),
      'rates_file_signature_invalid',
    ],
    [
      'signed by another key',
      async () => signRatesFile(await generateSigningKey('ES256'), body('r-1', '0.0874'), T0),
      'rates_file_signature_invalid',
    ],
    [
      'expired (every window over)',
      async () => signRatesFile(publisher, body('r-1', '0.0874', T0 - 2 * DAY_MS, T0 - DAY_MS), T0),
      'rates_file_expired',
    ],
    [
      'signed too long ago',
      async () => signRatesFile(publisher, body('r-1', '0.0874'), T0 - 30 * DAY_MS),
      'rates_file_stale',
    ],
  ])('refuses a file that is %s', async (_name, make, code) => {
    const result = await verifyRatesFile(await make(), await importVerificationKey(publisher.publicJwk), T0);
    expect(result).toMatchObject({ error: code });
    expect(RATES_FILE_ERRORS).toContain(code);
  });

  it('refuses to sign a table the operator would refuse', async () => {
    const bad = { ratesId: 'r-x', rates: [{ ...body('r', '1').rates[0], rate: '0' }] } as RatesFileBody;
    await expect(signRatesFile(publisher, bad, T0)).rejects.toThrow(/rates_file_malformed/);
    const overlapping = {
      ratesId: 'r-y',
      rates: [body('r', '1').rates[0], body('r', '2').rates[0]],
    } as RatesFileBody;
    await expect(signRatesFile(publisher, overlapping, T0)).rejects.toThrow(/quoted twice/);
  });
});

describe('rates file provider', () => {
  it('reads a file path, keeps the last good table when the file goes bad, and never uses an expired rate', async () => {
    const path = join(dir, 'rates.jws');
    let nowMs = T0 + 60_000;
    const provider = createRatesFileProvider({
      source: path,
      publisherKey: await importVerificationKey(publisher.publicJwk),
      fallback: createTableRateSource([{ base: 'SEK', quote: 'USD', numerator: 1n, denominator: 10n }]),
      clock: () => new Date(nowMs),
    });
    expect(await provider.refresh()).toMatchObject({ ok: false, error: 'rates_file_unreadable' });
    expect(provider.rate('SEK', 'EUR', new Date(nowMs))).toBeUndefined();

    await writeFile(path, await signRatesFile(publisher, body('r-1', '0.0874'), T0));
    expect(await provider.refresh()).toEqual({ ok: true, ratesId: 'r-1', rates: 2, changed: true });
    expect(provider.rate('SEK', 'EUR', new Date(nowMs))).toMatchObject({ numerator: 874n });
    // A pair the file does not quote comes from the configured table.
    expect(provider.rate('SEK', 'USD', new Date(nowMs))).toMatchObject({ numerator: 1n, denominator: 10n });

    await writeFile(path, tamper(await signRatesFile(publisher, body('r-2', '0.5'), T0 + 1_000)));
    expect(await provider.refresh()).toMatchObject({
      ok: false,
      error: 'rates_file_signature_invalid',
      kept: 'r-1',
    });
    expect(provider.rate('SEK', 'EUR', new Date(nowMs))).toMatchObject({ numerator: 874n });
    expect(provider.current()).toMatchObject({ ratesId: 'r-1' });

    // An older file, validly signed, is a replay: refused.
    await writeFile(path, await signRatesFile(publisher, body('r-0', '0.5'), T0 - 1_000));
    expect(await provider.refresh()).toMatchObject({
      ok: false,
      error: 'rates_file_rolled_back',
      kept: 'r-1',
    });

    // Past the window, the last good table is still held but its expired rate is not used.
    nowMs = T0 + DAY_MS;
    expect(await provider.refresh()).toMatchObject({ ok: false, error: 'rates_file_expired', kept: 'r-1' });
    expect(provider.rate('SEK', 'EUR', new Date(nowMs))).toBeUndefined();
  });

  describe('over HTTP (a real loopback server)', () => {
    let server: Server;
    let url: string;
    let served: { status: number; text: string; delayMs?: number } = { status: 404, text: '' };
    let requests = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        requests += 1;
        const send = () =>
          res.writeHead(served.status, { 'content-type': 'application/jose' }).end(served.text);
        if (served.delayMs) setTimeout(send, served.delayMs);
        else send();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rates.jws`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('loads from the URL, refuses HTTP errors, oversized and slow answers, and keeps the last good table', async () => {
      const nowMs = T0 + 60_000;
      const provider = createRatesFileProvider({
        source: url,
        publisherKey: await importVerificationKey(publisher.publicJwk),
        clock: () => new Date(nowMs),
        timeoutMs: 300,
      });
      expect(await provider.refresh()).toMatchObject({
        ok: false,
        error: 'rates_file_unreadable',
        detail: 'HTTP 404',
      });

      served = { status: 200, text: await signRatesFile(publisher, body('r-1', '0.0874'), T0) };
      expect(await provider.refresh()).toMatchObject({ ok: true, ratesId: 'r-1', changed: true });
      expect(await provider.refresh()).toMatchObject({ ok: true, ratesId: 'r-1', changed: false });
      expect(provider.rate('EUR', 'SEK', new Date(nowMs))).toMatchObject({
        numerator: 114n,
        denominator: 10n,
      });

      served = { status: 200, text: 'x'.repeat(70_000) };
      expect(await provider.refresh()).toMatchObject({
        ok: false,
        error: 'rates_file_too_large',
        kept: 'r-1',
      });
      served = { status: 200, text: 'not a jws' };
      expect(await provider.refresh()).toMatchObject({
        ok: false,
        error: 'rates_file_unsigned',
        kept: 'r-1',
      });
      served = { status: 200, text: served.text, delayMs: 1_000 };
      expect(await provider.refresh()).toMatchObject({
        ok: false,
        error: 'rates_file_unreadable',
        detail: 'timed out',
      });

      served = { status: 200, text: await signRatesFile(publisher, body('r-2', '0.09'), T0 + 1_000) };
      expect(await provider.refresh()).toMatchObject({ ok: true, ratesId: 'r-2' });
      expect(provider.rate('SEK', 'EUR', new Date(nowMs))).toMatchObject({
        numerator: 9n,
        denominator: 100n,
      });
      expect(requests).toBe(7);
    });
  });
});
