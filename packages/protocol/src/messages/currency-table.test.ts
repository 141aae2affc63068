import { describe, expect, it } from 'vitest';
import { generateSigningKey, importVerificationKey } from '../jws/keys.ts';
import { type CurrencyTableBody, CurrencyTableMessage, signCurrencyTable } from './currency-table.ts';
import { verifyTyped } from './define.ts';

const NOW_MS = Date.UTC(2030, 0, 1);
const body: CurrencyTableBody = {
  tableId: 'ct-abc-0123456789abcdef',
  operatorId: 'op-a',
  currency: 'SEK',
  validFromMs: NOW_MS,
  validUntilMs: NOW_MS + 3_600_000,
  rates: [{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n }],
};

describe('tally.currency_table', () => {
  it('round-trips under the operator key and refuses bodies that contradict themselves', async () => {
    const key = await generateSigningKey();
    const address = { iss: 'op-a', aud: 'op-a', nowMs: NOW_MS };
    const jws = await signCurrencyTable(key, address, body);
    const publicKey = await importVerificationKey(key.publicJwk);
    const verified = await verifyTyped(jws, CurrencyTableMessage, {
      resolveKey: async (kid) => (kid === key.kid ? { key: publicKey, issuer: 'op-a' } : undefined),
      audience: 'op-a',
      nowMs: NOW_MS,
    });
    expect(verified.body).toEqual(body);
    const rate = body.rates[0] as CurrencyTableBody['rates'][number];
    for (const [bad, field] of [
      [{ ...body, operatorId: 'op-b' }, 'operatorId'],
      [{ ...body, validUntilMs: NOW_MS }, 'validUntilMs'],
      [{ ...body, rates: [{ ...rate, base: 'EUR', quote: 'SEK' }] }, 'rates.0.base'],
      [{ ...body, rates: [rate, rate] }, 'rates.1.quote'],
    ] as [CurrencyTableBody, string][]) {
      await expect(signCurrencyTable(key, address, bad)).rejects.toMatchObject({ field });
    }
  });
});
