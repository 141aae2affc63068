import { readFile, stat } from 'node:fs/promises';
import type { Rate, VerificationKey } from '@tallystick/protocol';
import type { RatesFileError } from './errors.ts';
import { RATES_FILE_BYTES_MAX, type RatesFile, type RatesFileRefusal, verifyRatesFile } from './file.ts';
import type { RateSource } from './model.ts';
import { createTableRateSource } from './table.ts';

/** An HTTP rates source that does not answer within this is skipped until the next poll. */
export const RATES_FETCH_TIMEOUT_MS = 5_000;

export interface RatesFileProviderDeps {
  /** A file path, or an http(s):// URL. */
  readonly source: string;
  readonly publisherKey: VerificationKey;
  /** Consulted for a pair the file does not quote at that time (the configured `TALLY_RATES`). */
  readonly fallback?: RateSource;
  readonly clock: () => Date;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

export type RatesRefresh =
  | { readonly ok: true; readonly ratesId: string; readonly rates: number; readonly changed: boolean }
  | { readonly ok: false; readonly error: RatesFileError; readonly detail: string; readonly kept?: string };

export interface RatesFileProvider extends RateSource {
  /** Loads and verifies the file once; on refusal the last good table stays. Never throws. */
  refresh(): Promise<RatesRefresh>;
  /** The id of the table in use, if any was ever loaded. */
  current(): { readonly ratesId: string; readonly issuedAtMs: number } | undefined;
}

/**
 * Rates from a signed rates file, held in memory. `rate()` only reads memory:
 * the payment path never waits on the file or the network; a worker calls
 * `refresh()` (worker.ts). A refused file (unsigned, altered, expired, older
 * than the one in use) leaves the last good table in place.
 */
export function createRatesFileProvider(deps: RatesFileProviderDeps): RatesFileProvider {
  let loaded: { readonly file: RatesFile; readonly source: RateSource } | undefined;
  const load = deps.source.startsWith('http://') || deps.source.startsWith('https://') ? fetchText : readText;
  return {
    rate(base, quote, at): Rate | undefined {
      return loaded?.source.rate(base, quote, at) ?? deps.fallback?.rate(base, quote, at);
    },
    current: () => loaded && { ratesId: loaded.file.ratesId, issuedAtMs: loaded.file.issuedAtMs },
    async refresh() {
      const kept = loaded ? { kept: loaded.file.ratesId } : {};
      const text = await load(deps);
      if (typeof text !== 'string') return { ok: false, ...text, ...kept };
      const file = await verifyRatesFile(text, deps.publisherKey, deps.clock().getTime());
      if ('error' in file) return { ok: false, ...file, ...kept };
      if (loaded && file.issuedAtMs < loaded.file.issuedAtMs) {
        const detail = `${file.ratesId} was signed before ${loaded.file.ratesId}, which is in use`;
        return { ok: false, error: 'rates_file_rolled_back', detail, ...kept };
      }
      const changed = loaded?.file.ratesId !== file.ratesId || loaded.file.issuedAtMs !== file.issuedAtMs;
      loaded = { file, source: createTableRateSource(file.rates) };
      return { ok: true, ratesId: file.ratesId, rates: file.rates.length, changed };
    },
  };
}

async function readText(deps: RatesFileProviderDeps): Promise<string | RatesFileRefusal> {
  try {
    const { size } = await stat(deps.source);
    if (size > RATES_FILE_BYTES_MAX)
      return { error: 'rates_file_too_large', detail: `${size} bytes > ${RATES_FILE_BYTES_MAX}` };
    return await readFile(deps.source, 'utf8');
  } catch (error) {
    return { error: 'rates_file_unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'read failed' };
  }
}

/** GET with a timeout, reading at most `RATES_FILE_BYTES_MAX` bytes whatever the server claims. */
async function fetchText(deps: RatesFileProviderDeps): Promise<string | RatesFileRefusal> {
  const doFetch = deps.fetch ?? fetch;
  try {
    const response = await doFetch(deps.source, {
      signal: AbortSignal.timeout(deps.timeoutMs ?? RATES_FETCH_TIMEOUT_MS),
      headers: { accept: 'application/jose, text/plain' },
      redirect: 'error',
    });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return { error: 'rates_file_unreadable', detail: `HTTP ${response.status}` };
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      if (bytes > RATES_FILE_BYTES_MAX) {
        await response.body.cancel().catch(() => undefined);
        return { error: 'rates_file_too_large', detail: `more than ${RATES_FILE_BYTES_MAX} bytes` };
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    const name = error instanceof Error ? error.name : 'error';
    return { error: 'rates_file_unreadable', detail: name === 'TimeoutError' ? 'timed out' : name };
  }
}
