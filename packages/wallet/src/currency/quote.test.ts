import { AMOUNT_MAX_MINOR, currencyExponent, type Rate, toCustomerCharge } from '@tallystick/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CurrencyTable } from './model.ts';
import { quoteWith } from './quote.ts';

const CURRENCIES = ['SEK', 'EUR', 'JPY', 'KWD', 'USD'] as const;

const arbCase = fc
  .record({
    customer: fc.constantFrom(...CURRENCIES),
    merchant: fc.constantFrom(...CURRENCIES),
    numerator: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    denominator: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    priceMinor: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  })
  .filter((c) => c.customer !== c.merchant);

function tableOf(rate: Rate): CurrencyTable {
  return {
    tableId: 'ct-1-0123456789abcdef',
    operatorId: 'op-a',
    currency: rate.base,
    validFromMs: 0,
    validUntilMs: 1_000,
    rates: new Map([[rate.quote, rate]]),
  };
}

describe('quoting a merchant price in the customer currency', () => {
  it('shows exact <= shown < exact + 1 minor unit, and exactly what that rate charges (seed printed on failure)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const rate: Rate = {
          base: c.customer,
          quote: c.merchant,
          numerator: c.numerator,
          denominator: c.denominator,
        };
        // exact = price * den * 10^e(customer) / (num * 10^e(merchant)) customer minor units, as num/den.
        const num = c.priceMinor * c.denominator * 10n ** BigInt(currencyExponent(c.customer));
        const den = c.numerator * 10n ** BigInt(currencyExponent(c.merchant));
        const offer = { currency: c.merchant, priceMinor: c.priceMinor };
        if ((num + den - 1n) / den > AMOUNT_MAX_MINOR) {
          // Too large to show: refused, never wrapped or truncated.
          expect(() => quoteWith(tableOf(rate), offer, 0, [])).toThrow(/too large/);
          return;
        }
        const quote = quoteWith(tableOf(rate), offer, 0, []);
        const shown = quote.priceCustomerMinor;
        expect(shown * den >= num).toBe(true);
        expect(shown * den < num + den).toBe(true);
        expect(shown).toBe(toCustomerCharge(c.priceMinor, rate));
      }),
    );
  });

  it('flags a quote made after the table expired', () => {
    const rate: Rate = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
    const quote = quoteWith(tableOf(rate), { currency: 'EUR', priceMinor: 120n }, 1_000, []);
    expect(quote).toMatchObject({ expired: true, warnings: ['currency_table_expired'] });
  });
});
