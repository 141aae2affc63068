import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acquiringFeeMinor, NO_FEE, parseAcquiringFee } from './model.ts';

describe('acquiring fee', () => {
  it.each([
    [0n, 0n],
    [1n, 1n], // capped at the amount
    [120n, 12n], // 10 + ceil(1.8)
    [10_000n, 160n], // 10 + 150 exactly
    [10_001n, 161n], // 10 + ceil(150.015)
  ])('10+150bps of %s is %s', (amount, fee) => {
    expect(acquiringFeeMinor(amount, { fixedMinor: 10n, basisPoints: 150n })).toBe(fee);
  });

  it('reads the setting', () => {
    expect(parseAcquiringFee('10+150bps')).toEqual({ fixedMinor: 10n, basisPoints: 150n });
    expect(parseAcquiringFee('10%')).toContain('is not');
    expect(parseAcquiringFee('0+10001bps')).toContain('bps');
  });

  it('never creates value and never loses the operator a fraction (seed printed on failure)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 1_000n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (amount, fixedMinor, basisPoints) => {
          const fee = acquiringFeeMinor(amount, { fixedMinor, basisPoints });
          // fee + net = amount exactly, both non-negative: nothing created
          expect(fee >= 0n && amount - fee >= 0n).toBe(true);
          // at least the exact fee (fixed + amount*bps/10000) unless capped at the amount
          if (fee < amount) expect(fee * 10_000n >= fixedMinor * 10_000n + amount * basisPoints).toBe(true);
          // and less than one minor unit above it
          if (fee < amount)
            expect((fee - 1n) * 10_000n < fixedMinor * 10_000n + amount * basisPoints).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
    expect(acquiringFeeMinor(12_345n, NO_FEE)).toBe(0n);
  });
});
