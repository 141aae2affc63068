import { describe, expect, it } from 'vitest';
import { createTableRateSource, parseRateTable } from './table.ts';

const at = new Date('2030-01-01T00:00:00Z');

describe('configured rate table', () => {
  it('reads TALLY_RATES exactly, one direction per entry', () => {
    const rates = parseRateTable(' SEK/EUR=0.0874, EUR/SEK=11.4 ,');
    expect(rates).toEqual([
      { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
      { base: 'EUR', quote: 'SEK', numerator: 114n, denominator: 10n },
    ]);
    const source = createTableRateSource(rates as never);
    expect(source.rate('SEK', 'EUR', at)).toMatchObject({ numerator: 874n });
    expect(source.rate('EUR', 'SEK', at)).toMatchObject({ numerator: 114n });
    expect(source.rate('SEK', 'USD', at)).toBeUndefined();
  });

  it('converts a currency to itself 1:1 without configuration', () => {
    expect(createTableRateSource([]).rate('EUR', 'EUR', at)).toEqual({
      base: 'EUR',
      quote: 'EUR',
      numerator: 1n,
      denominator: 1n,
    });
  });

  it('reads an empty setting as no pairs', () => {
    expect(parseRateTable('')).toEqual([]);
  });

  it.each([
    ['SEK-EUR=1', 'is not <BASE>/<QUOTE>=<decimal>'],
    ['SEK/EUR=0', 'rate_malformed'],
    ['SEK/EUR=-1', 'rate_malformed'],
    ['SEK/XXX=1', 'rate_currency_unknown'],
    ['SEK/SEK=1', 'against itself'],
    ['SEK/EUR=1,SEK/EUR=2', 'quoted twice'],
  ])('refuses %s', (text, problem) => {
    expect(parseRateTable(text)).toContain(problem);
  });
});
