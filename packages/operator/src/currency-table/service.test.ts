import {
  CurrencyTableMessage,
  generateSigningKey,
  importVerificationKey,
  verifyTyped,
} from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { createTableRateSource, parseRateTable } from '../rates/table.ts';
import { createCurrencyTableService } from './service.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);

describe('currency table service', () => {
  it('signs the window of the clock with the pairs it quotes; same window, same id', async () => {
    const key = await generateSigningKey();
    const rates = parseRateTable('SEK/EUR=0.0874,EUR/SEK=11.4');
    if (typeof rates === 'string') throw new Error(rates);
    let nowMs = T0 + 5 * 60_000;
    const tables = createCurrencyTableService({
      operatorId: 'op-a',
      currency: 'SEK',
      key,
      rates: createTableRateSource(rates),
      // SEK is the own currency, USD is not quoted by the source: both left out.
      quoteCurrencies: ['EUR', 'SEK', 'USD', 'EUR'],
      validityMs: HOUR_MS,
      clock: () => new Date(nowMs),
    });
    const first = await tables.issue();
    expect(first).toMatchObject({ validFromMs: T0, validUntilMs: T0 + HOUR_MS });
    const publicKey = await importVerificationKey(key.publicJwk);
    const { body } = await verifyTyped(first.table, CurrencyTableMessage, {
      resolveKey: async () => ({ key: publicKey, issuer: 'op-a' }),
      audience: 'op-a',
      nowMs,
    });
    expect(body).toMatchObject({ tableId: first.tableId, currency: 'SEK' });
    expect(body.rates).toEqual([{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n }]);

    nowMs += 50 * 60_000;
    expect((await tables.issue()).tableId).toBe(first.tableId);
    nowMs += 10 * 60_000;
    expect((await tables.issue()).tableId).not.toBe(first.tableId);
  });

  it('refuses a validity out of bounds at start-up', async () => {
    const deps = {
      operatorId: 'op-a',
      currency: 'SEK',
      key: await generateSigningKey(),
      rates: createTableRateSource([]),
      quoteCurrencies: [],
      clock: () => new Date(T0),
    };
    expect(() => createCurrencyTableService({ ...deps, validityMs: 1 })).toThrow(RangeError);
  });
});
