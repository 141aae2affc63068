/**
 * An operator's acquiring fee on what it clears to its merchants (DESIGN §4:
 * fixed + basis points, integer maths), in the merchant's currency.
 */
export interface AcquiringFee {
  readonly fixedMinor: bigint;
  readonly basisPoints: bigint;
}

export const NO_FEE: AcquiringFee = { fixedMinor: 0n, basisPoints: 0n };
/** 100% : a fee schedule above it is a typo, not a price. */
export const FEE_BASIS_POINTS_MAX = 10_000n;
export const FEE_FIXED_MINOR_MAX = 1_000_000_000n;

/**
 * The rounding rule: the variable part rounds UP to the next minor unit (the
 * operator never loses on rounding), then the fee is capped at the amount so
 * the merchant is never credited a negative sum (no value is created either:
 * fee + net credit = cleared, exactly). Nothing cleared, nothing charged.
 *   fee(a) = min(a, fixed + ceil(a * bps / 10000)),  fee(0) = 0
 */
export function acquiringFeeMinor(amountMinor: bigint, fee: AcquiringFee): bigint {
  if (amountMinor < 0n) throw new RangeError('acquiringFeeMinor takes a non-negative amount');
  if (amountMinor === 0n) return 0n;
  const variable = (amountMinor * fee.basisPoints + 9_999n) / 10_000n;
  const total = fee.fixedMinor + variable;
  return total > amountMinor ? amountMinor : total;
}

const FEE_TEXT = /^([0-9]{1,10})\+([0-9]{1,5})bps$/;

/** `TALLY_ACQUIRING_FEE=10+150bps`: 10 minor units plus 1.50 %. A sentence on error. */
export function parseAcquiringFee(text: string): AcquiringFee | string {
  const match = FEE_TEXT.exec(text.trim());
  if (!match) return `"${text}" is not <fixedMinor>+<basisPoints>bps (e.g. 10+150bps)`;
  const fee = { fixedMinor: BigInt(match[1] ?? '0'), basisPoints: BigInt(match[2] ?? '0') };
  if (fee.basisPoints > FEE_BASIS_POINTS_MAX) return `"${text}": more than ${FEE_BASIS_POINTS_MAX} bps`;
  if (fee.fixedMinor > FEE_FIXED_MINOR_MAX) return `"${text}": fixed part above ${FEE_FIXED_MINOR_MAX}`;
  return fee;
}
