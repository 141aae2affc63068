import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AMOUNT_MAX_MINOR } from './amount.ts';
import { convertMinor, splitDeposit, toCustomerCharge, toMerchantDeposit } from './convert.ts';
import { CURRENCY_EXPONENTS, currencyExponent } from './currency.ts';
import { invertRate, type Rate, rateFromDecimal } from './rate.ts';

function rate(base: string, quote: string, decimal: string): Rate {
  const r = rateFromDecimal(base, quote, decimal);
  if (typeof r === 'string') throw new Error(r);
  return r;
}
function value(result: bigint | string): bigint {
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('rates', () => {
  it('reads a decimal exactly', () => {
    expect(rate('SEK', 'EUR', '0.0874')).toEqual({
      base: 'SEK',
      quote: 'EUR',
      numerator: 874n,
      denominator: 10_000n,
    });
    expect(rate('EUR', 'JPY', '160')).toEqual({
      base: 'EUR',
      quote: 'JPY',
      numerator: 160n,
      denominator: 1n,
    });
  });

  it.each([
    ['SEK', 'EUR', '0', 'rate_malformed'],
    ['SEK', 'EUR', '-1', 'rate_malformed'],
    ['SEK', 'EUR', '1e3', 'rate_malformed'],
    ['SEK', 'EUR', '.5', 'rate_malformed'],
    ['SEK', 'EUR', '0.0000000000000000001', 'rate_term_too_large'],
    ['SEK', 'XXX', '1', 'rate_currency_unknown'],
  ])('%s/%s %s is %s', (base, quote, decimal, error) => {
    expect(rateFromDecimal(base, quote, decimal)).toBe(error);
  });
});

describe('convertMinor with currency exponents', () => {
  it.each([
    // 100.00 SEK at 0.0874 = 8.74 EUR exactly
    [10_000n, rate('SEK', 'EUR', '0.0874'), 874n, 874n],
    // 1.23 SEK = 0.107502 EUR
    [123n, rate('SEK', 'EUR', '0.0874'), 10n, 11n],
    // 1.00 EUR at 160.25 JPY = 160.25 JPY (JPY has no minor unit)
    [100n, rate('EUR', 'JPY', '160.25'), 160n, 161n],
    // 1000 JPY at 0.00192 KWD = 1.920 KWD (3 decimals)
    [1_000n, rate('JPY', 'KWD', '0.00192'), 1_920n, 1_920n],
    // 1.001 KWD at 34.5 SEK = 34.5345 SEK
    [1_001n, rate('KWD', 'SEK', '34.5'), 3_453n, 3_454n],
    [0n, rate('KWD', 'SEK', '34.5'), 0n, 0n],
  ])('%s at %o -> down %s, up %s', (amount, r, down, up) => {
    expect(convertMinor(amount, r, 'down')).toBe(down);
    expect(convertMinor(amount, r, 'up')).toBe(up);
  });

  it('reports overflow instead of returning an amount that does not fit', () => {
    // 9_223_372_036_854_775.807 KWD at 5000 JPY is about 4.6e19 JPY
    expect(convertMinor(AMOUNT_MAX_MINOR, rate('KWD', 'JPY', '5000'), 'down')).toBe('amount_overflow');
    expect(convertMinor(AMOUNT_MAX_MINOR, rate('KWD', 'JPY', '500'), 'down')).toBe(
      4_611_686_018_427_387_903n,
    );
  });

  it('refuses negative amounts and broken rates as bugs', () => {
    expect(() => convertMinor(-1n, rate('SEK', 'EUR', '1'), 'down')).toThrow(RangeError);
    expect(() =>
      convertMinor(1n, { base: 'SEK', quote: 'EUR', numerator: 0n, denominator: 1n }, 'down'),
    ).toThrow();
  });

  it('splits a deposit: 1.20 EUR cleared of 100.00 SEK at 0.0874', () => {
    const r = rate('SEK', 'EUR', '0.0874');
    expect(toMerchantDeposit(10_000n, r)).toBe(874n);
    expect(toCustomerCharge(120n, r)).toBe(1_373n);
    expect(splitDeposit(10_000n, 120n, r)).toEqual({
      clearedCustomerMinor: 1_373n,
      releasedCustomerMinor: 8_627n,
    });
    expect(splitDeposit(10_000n, 875n, r)).toBe('cleared_exceeds_deposit');
  });
});

// --- properties (fast-check prints the seed and the counterexample on failure) ---

const currencies = Object.keys(CURRENCY_EXPONENTS);
const arbRate = fc
  .record({
    base: fc.constantFrom(...currencies),
    quote: fc.constantFrom(...currencies),
    numerator: fc.bigInt({ min: 1n, max: 10n ** 12n }),
    denominator: fc.bigInt({ min: 1n, max: 10n ** 12n }),
  })
  .map((r): Rate => r);
const arbAmount = fc.bigInt({ min: 0n, max: 10n ** 15n });

/** The exact result as a fraction num/den of quote minor units. */
function exact(amount: bigint, r: Rate): [bigint, bigint] {
  return [
    amount * r.numerator * 10n ** BigInt(currencyExponent(r.quote)),
    r.denominator * 10n ** BigInt(currencyExponent(r.base)),
  ];
}

/** convertMinor, checking that an overflow report is true; the case is then skipped. */
function convert(amount: bigint, r: Rate, rounding: 'down' | 'up'): bigint {
  const result = convertMinor(amount, r, rounding);
  if (result !== 'amount_overflow') return result;
  const [num, den] = exact(amount, r);
  const rounded = rounding === 'down' ? num / den : (num + den - 1n) / den;
  expect(rounded > AMOUNT_MAX_MINOR).toBe(true);
  fc.pre(false);
  return 0n;
}

describe('rounding properties', () => {
  it('down <= exact < down + 1 and up - 1 < exact <= up: error under one minor unit', () => {
    fc.assert(
      fc.property(arbAmount, arbRate, (amount, r) => {
        const [num, den] = exact(amount, r);
        const down = convert(amount, r, 'down');
        const up = convert(amount, r, 'up');
        expect(down * den <= num && num < (down + 1n) * den).toBe(true);
        expect((up - 1n) * den < num && num <= up * den).toBe(true);
        expect(up - down === (num % den === 0n ? 0n : 1n)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('creates no value: anything cleared up to the merchant deposit is charged within the hold', () => {
    fc.assert(
      fc.property(arbAmount, arbRate, fc.bigInt({ min: 0n, max: 10n ** 6n }), (deposit, r, pick) => {
        const merchantDeposit = convert(deposit, r, 'down');
        expect(toMerchantDeposit(deposit, r)).toBe(merchantDeposit);
        const cleared = merchantDeposit === 0n ? 0n : pick % (merchantDeposit + 1n);
        const charge = value(toCustomerCharge(cleared, r));
        // the charge fits in the hold, so the operator never pays out more than it holds ...
        expect(charge <= deposit).toBe(true);
        // ... and is worth at least what the merchant receives, so the operator never loses on rounding
        const [num, den] = exact(charge, r);
        expect(num >= cleared * den).toBe(true);
        expect(value(convertMinor(charge, r, 'down')) >= cleared).toBe(true);
        // the hold resolves exactly: posted + released = held
        const split = splitDeposit(deposit, cleared, r);
        if (typeof split === 'string') throw new Error(split);
        expect(split.clearedCustomerMinor + split.releasedCustomerMinor).toBe(deposit);
        expect(split.releasedCustomerMinor >= 0n).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('the full merchant deposit never costs more than the customer deposit', () => {
    fc.assert(
      fc.property(arbAmount, arbRate, (deposit, r) => {
        const charge = value(toCustomerCharge(convert(deposit, r, 'down'), r));
        expect(charge <= deposit).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is monotonic and inverting a rate twice gives it back', () => {
    fc.assert(
      fc.property(
        arbAmount,
        arbAmount,
        arbRate,
        fc.constantFrom('down', 'up' as const),
        (a, b, r, rounding) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const high = convert(hi, r, rounding);
          expect(convert(lo, r, rounding) <= high).toBe(true);
          expect(invertRate(invertRate(r))).toEqual(r);
        },
      ),
    );
  });
});
