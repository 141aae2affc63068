import { equalBytes, type HashStep, hashSteps, hexToBytes32, isHash32Hex, sha256Step } from './hash.ts';

/**
 * Clearing from the last preimage (DESIGN §5): `w_index` proves `index`
 * units when `H^index(w_index)` is the committed root and the index is within
 * the committed length. Costs `index` hashes (a million takes well under a
 * second), paid once per record at clearing.
 */
export function verifyHashChainReveal(
  commitment: { readonly rootHex: string; readonly lengthMax: number },
  reveal: { readonly index: number; readonly preimageHex: string },
  step: HashStep = sha256Step,
): boolean {
  if (!Number.isSafeInteger(reveal.index) || reveal.index < 1 || reveal.index > commitment.lengthMax)
    return false;
  if (!isHash32Hex(reveal.preimageHex) || !isHash32Hex(commitment.rootHex)) return false;
  return equalBytes(
    hashSteps(hexToBytes32(reveal.preimageHex), reveal.index, step),
    hexToBytes32(commitment.rootHex),
  );
}
