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

  it('uses a windowed rate only inside its window [from, until), and the next window after it', () => {
    const rates = parseRateTable(
      'SEK/EUR=0.0874@2030-01-01T00:00:00Z/2030-01-02T00:00:00Z,SEK/EUR=0.09@2030-01-02T00:00:00Z/2030-01-03T00:00:00Z',
    );
    if (typeof rates === 'string') throw new Error(rates);
    expect(rates[0]).toMatchObject({ validFromMs: Date.UTC(2030, 0, 1), validUntilMs: Date.UTC(2030, 0, 2) });
    const source = createTableRateSource(rates);
    const rateAt = (iso: string) => source.rate('SEK', 'EUR', new Date(iso));
    expect(rateAt('2029-12-31T23:59:59.999Z')).toBeUndefined();
    // The bare rate, without its window: it is signed into strict wire messages as is.
    expect(rateAt('2030-01-01T00:00:00Z')).toEqual({
      base: 'SEK',
      quote: 'EUR',
      numerator: 874n,
      denominator: 10_000n,
    });
    expect(rateAt('2030-01-01T23:59:59.999Z')).toMatchObject({ numerator: 874n });
    expect(rateAt('2030-01-02T00:00:00Z')).toMatchObject({ numerator: 9n, denominator: 100n });
    expect(rateAt('2030-01-03T00:00:00Z')).toBeUndefined();
  });

  it('reads an empty setting as no pairs', () => {
    expect(parseRateTable('')).toEqual([]);
  });

  it.each([
    ['SEK-EUR=1', 'is not <BASE>/<QUOTE>=<decimal>'],
    ['SEK/EUR=1@2030-01-02T00:00:00Z/2030-01-01T00:00:00Z', 'ends before it starts'],
    ['SEK/EUR=1@yesterday/today', 'not <ISO time>/<ISO time>'],
    [
      'SEK/EUR=1@2030-01-01T00:00:00Z/2030-01-03T00:00:00Z,SEK/EUR=2@2030-01-02T00:00:00Z/2030-01-04T00:00:00Z',
      'quoted twice',
    ],
    ['SEK/EUR=1,SEK/EUR=2@2030-01-02T00:00:00Z/2030-01-04T00:00:00Z', 'quoted twice'],
    ['SEK/EUR=0', 'rate_malformed'],
    ['SEK/EUR=-1', 'rate_malformed'],
    ['SEK/XXX=1', 'rate_currency_unknown'],
    ['SEK/SEK=1', 'against itself'],
    ['SEK/EUR=1,SEK/EUR=2', 'quoted twice'],
  ])('refuses %s', (text, problem) => {
    expect(parseRateTable(text)).toContain(problem);
  });
});
