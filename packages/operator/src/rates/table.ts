import { type Rate, rateFromDecimal } from '@tallystick/protocol';
import { identityRate, type RateSource } from './model.ts';

/** Most pairs one configured table holds: a setting, not a market feed. */
export const RATE_TABLE_PAIRS_MAX = 1_000;

const PAIR = /^([A-Z]{3})\/([A-Z]{3})=(.+)$/;

/**
 * Parses `TALLY_RATES`: `SEK/EUR=0.0874,EUR/SEK=11.4` (1 SEK = 0.0874 EUR).
 * Each direction is quoted on its own: a spread is two unrelated numbers,
 * never one inverted. Returns a sentence naming the bad entry on error.
 */
export function parseRateTable(text: string): Rate[] | string {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length > RATE_TABLE_PAIRS_MAX) return `more than ${RATE_TABLE_PAIRS_MAX} pairs`;
  const rates: Rate[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const match = PAIR.exec(entry);
    if (!match) return `"${entry}" is not <BASE>/<QUOTE>=<decimal>`;
    const [, base = '', quote = '', decimal = ''] = match;
    if (base === quote) return `"${entry}" quotes a currency against itself`;
    const key = `${base}/${quote}`;
    if (seen.has(key)) return `"${key}" is quoted twice`;
    seen.add(key);
    const rate = rateFromDecimal(base, quote, decimal);
    if (typeof rate === 'string') return `"${entry}": ${rate}`;
    rates.push(rate);
  }
  return rates;
}

/** A fixed table (configuration, tests). The same currency always converts 1:1. */
export function createTableRateSource(rates: readonly Rate[]): RateSource {
  const table = new Map(rates.map((rate) => [`${rate.base}/${rate.quote}`, rate]));
  return {
    rate(base, quote) {
      if (base === quote) return identityRate(base);
      return table.get(`${base}/${quote}`);
    },
  };
}
