import { rateFromDecimal } from '@tallystick/protocol';
import {
  bareRate,
  identityRate,
  type QuotedRate,
  type RateSource,
  rateAppliesAt,
  windowsOverlap,
} from './model.ts';

/** Most pairs one configured table holds: a setting, not a market feed. */
export const RATE_TABLE_PAIRS_MAX = 1_000;

const PAIR = /^([A-Z]{3})\/([A-Z]{3})=([^@]+)(?:@([^/]+)\/(.+))?$/;

/**
 * Parses `TALLY_RATES`: `SEK/EUR=0.0874,EUR/SEK=11.4` (1 SEK = 0.0874 EUR).
 * An entry may carry a validity window as an ISO 8601 interval,
 * `SEK/EUR=0.0874@2030-01-01T00:00:00Z/2030-01-02T00:00:00Z`; the same pair
 * may then be quoted again for a window that does not overlap. Each direction
 * is quoted on its own: a spread is two unrelated numbers, never one
 * inverted. Returns a sentence naming the bad entry on error.
 */
export function parseRateTable(text: string): QuotedRate[] | string {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length > RATE_TABLE_PAIRS_MAX) return `more than ${RATE_TABLE_PAIRS_MAX} pairs`;
  const rates: QuotedRate[] = [];
  for (const entry of entries) {
    const match = PAIR.exec(entry);
    if (!match) return `"${entry}" is not <BASE>/<QUOTE>=<decimal>[@<from>/<until>]`;
    const [, base = '', quote = '', decimal = '', from, until] = match;
    const window = from !== undefined && until !== undefined ? readWindow(from, until) : {};
    if (typeof window === 'string') return `"${entry}": ${window}`;
    const rate = quotedRate(base, quote, decimal, window);
    if (typeof rate === 'string') return `"${entry}": ${rate}`;
    const problem = checkAgainstTable(rates, rate);
    if (problem) return problem;
    rates.push(rate);
  }
  return rates;
}

/** One rate with its window, or why not (a rate error code or a short phrase). */
export function quotedRate(
  base: string,
  quote: string,
  decimal: string,
  window: { readonly validFromMs?: number; readonly validUntilMs?: number },
): QuotedRate | string {
  if (base === quote) return 'quotes a currency against itself';
  const rate = rateFromDecimal(base, quote, decimal);
  if (typeof rate === 'string') return rate;
  return { ...rate, ...window };
}

/** Refuses a second rate for a pair whose window overlaps one already in the table. */
export function checkAgainstTable(table: readonly QuotedRate[], rate: QuotedRate): string | undefined {
  const key = `${rate.base}/${rate.quote}`;
  const clash = table.find((r) => r.base === rate.base && r.quote === rate.quote && windowsOverlap(r, rate));
  return clash ? `"${key}" is quoted twice for the same time` : undefined;
}

function readWindow(from: string, until: string): { validFromMs: number; validUntilMs: number } | string {
  const validFromMs = Date.parse(from);
  const validUntilMs = Date.parse(until);
  if (!Number.isFinite(validFromMs) || !Number.isFinite(validUntilMs))
    return 'the validity window is not <ISO time>/<ISO time>';
  if (validUntilMs <= validFromMs) return 'the validity window ends before it starts';
  return { validFromMs, validUntilMs };
}

/**
 * A fixed table (configuration, a loaded rates file, tests). A rate outside
 * its window is not used. The same currency always converts 1:1.
 */
export function createTableRateSource(rates: readonly QuotedRate[]): RateSource {
  const table = new Map<string, QuotedRate[]>();
  for (const rate of rates) {
    const key = `${rate.base}/${rate.quote}`;
    table.set(key, [...(table.get(key) ?? []), rate]);
  }
  return {
    rate(base, quote, at) {
      if (base === quote) return identityRate(base);
      const found = table.get(`${base}/${quote}`)?.find((rate) => rateAppliesAt(rate, at.getTime()));
      return found && bareRate(found);
    },
  };
}
