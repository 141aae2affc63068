import { AMOUNT_MAX_MINOR } from './amount.ts';
import { currencyExponent } from './currency.ts';
import { checkRate, invertRate, type Rate } from './rate.ts';

export type Rounding = 'down' | 'up';

/**
 * Converts minor units of `rate.base` into minor units of `rate.quote`:
 *   exact = amountMinor * numerator * 10^e(quote) / (denominator * 10^e(base))
 * rounded toward zero ('down') or away from it ('up'), in bigint arithmetic.
 * The error is always under one minor unit of the quote currency.
 * Returns `amount_overflow` when the result exceeds `AMOUNT_MAX_MINOR`.
 */
export function convertMinor(
  amountMinor: bigint,
  rate: Rate,
  rounding: Rounding,
): bigint | 'amount_overflow' {
  if (amountMinor < 0n) throw new RangeError('convertMinor takes a non-negative amount');
  const problem = checkRate(rate);
  if (problem) throw new RangeError(`convertMinor: ${problem}`);
  const num = amountMinor * rate.numerator * 10n ** BigInt(currencyExponent(rate.quote));
  const den = rate.denominator * 10n ** BigInt(currencyExponent(rate.base));
  const quotient = num / den;
  const result = rounding === 'up' && quotient * den !== num ? quotient + 1n : quotient;
  return result > AMOUNT_MAX_MINOR ? 'amount_overflow' : result;
}

/*
 * The operator never loses on rounding (DESIGN §4, §8). With `rate` read
 * customer currency (base) -> merchant currency (quote):
 * - the deposit the merchant is promised rounds DOWN, so the promise never
 *   exceeds what the customer's hold covers;
 * - what the customer is charged for a merchant amount rounds UP, so the
 *   customer always pays at least the value the merchant receives.
 * Together: for any cleared X <= toMerchantDeposit(D), toCustomerCharge(X) <= D,
 * so the charge always fits in the hold; the released rest is D - charge, exact.
 */

/** The customer's deposit as promised to the merchant: rounded down. */
export function toMerchantDeposit(depositCustomerMinor: bigint, rate: Rate): bigint | 'amount_overflow' {
  return convertMinor(depositCustomerMinor, rate, 'down');
}

/** What the customer pays for `amountMerchantMinor` cleared to the merchant: rounded up. */
export function toCustomerCharge(amountMerchantMinor: bigint, rate: Rate): bigint | 'amount_overflow' {
  return convertMinor(amountMerchantMinor, invertRate(rate), 'up');
}

export interface DepositSplit {
  /** Posted from the customer's hold. */
  readonly clearedCustomerMinor: bigint;
  /** Returned to the customer: the exact rest, never rounded. */
  readonly releasedCustomerMinor: bigint;
}

/** How the customer's hold resolves when `clearedMerchantMinor` is cleared to the merchant. */
export function splitDeposit(
  depositCustomerMinor: bigint,
  clearedMerchantMinor: bigint,
  rate: Rate,
): DepositSplit | 'cleared_exceeds_deposit' {
  const charge = toCustomerCharge(clearedMerchantMinor, rate);
  if (charge === 'amount_overflow' || charge > depositCustomerMinor) return 'cleared_exceeds_deposit';
  return { clearedCustomerMinor: charge, releasedCustomerMinor: depositCustomerMinor - charge };
}
