import { HASH_CHAIN_LENGTH_MAX } from '../messages/limits.ts';
import { bytesToHex, type HashStep, hashSteps, sha256Step } from './hash.ts';
import { PAYWORD_CHECKPOINT_INTERVAL } from './limits.ts';

export interface PaywordChainOptions {
  /** n: how many units the chain can pay, 1..HASH_CHAIN_LENGTH_MAX. */
  readonly lengthMax: number;
  /** 32 secret bytes; random when omitted. Whoever holds it can pay the whole chain. */
  readonly seed?: Uint8Array;
  readonly checkpointInterval?: number;
  readonly step?: HashStep;
}

/**
 * The wallet's side of a PayWord chain (DESIGN §5): from a secret seed
 * `v_0`, `v_j = H(v_{j-1})` up to the root `w_0 = v_n = H^n(seed)`, which the
 * signed initiation commits to. Paying unit i reveals `w_i = v_{n-i}`, so
 * `H^k(w_{i+k}) = w_i`: anyone holding `w_i` can check it against the root,
 * nobody can compute `w_{i+1}` from it.
 *
 * Memory is one value per `checkpointInterval` plus one segment; revealing
 * units in increasing order costs about one hash per unit.
 */
export class PaywordChain {
  readonly lengthMax: number;
  readonly rootHex: string;
  readonly #interval: number;
  readonly #step: HashStep;
  /** `v_{k·interval}` for k = 0, 1, … */
  readonly #checkpoints: Uint8Array[] = [];
  #segment: { readonly start: number; readonly values: Uint8Array[] } | undefined;

  constructor(options: PaywordChainOptions) {
    const { lengthMax } = options;
    if (!Number.isSafeInteger(lengthMax) || lengthMax < 1 || lengthMax > HASH_CHAIN_LENGTH_MAX) {
      throw new RangeError(`lengthMax must be 1..${HASH_CHAIN_LENGTH_MAX}`);
    }
    const seed = options.seed ?? crypto.getRandomValues(new Uint8Array(32));
    if (seed.length !== 32) throw new RangeError('the seed must be 32 bytes');
    this.lengthMax = lengthMax;
    this.#interval = options.checkpointInterval ?? PAYWORD_CHECKPOINT_INTERVAL;
    this.#step = options.step ?? sha256Step;
    let value: Uint8Array = Uint8Array.from(seed);
    for (let j = 0; j < lengthMax; j++) {
      if (j % this.#interval === 0) this.#checkpoints.push(value);
      value = this.#step(value);
    }
    this.rootHex = bytesToHex(value);
  }

  /** `w_index`, 1 ≤ index ≤ lengthMax (index 0 is the root). */
  preimage(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index > this.lengthMax) {
      throw new RangeError(`index must be 0..${this.lengthMax}`);
    }
    const j = this.lengthMax - index;
    const start = j - (j % this.#interval);
    const segment = this.#segmentAt(start);
    const value = segment.values[j - start];
    if (value === undefined) throw new Error('assertion: chain segment too short');
    return value;
  }

  preimageHex(index: number): string {
    return bytesToHex(this.preimage(index));
  }

  #segmentAt(start: number): { readonly start: number; readonly values: Uint8Array[] } {
    if (this.#segment?.start === start) return this.#segment;
    const checkpoint = this.#checkpoints[start / this.#interval];
    const values: Uint8Array[] = [];
    if (checkpoint === undefined) {
      // j = lengthMax lies past the last checkpoint when n is a multiple of the interval: the root.
      values.push(hashSteps(this.#checkpoints.at(-1) as Uint8Array, this.#interval, this.#step));
    } else {
      let value = checkpoint;
      const end = Math.min(start + this.#interval, this.lengthMax);
      for (let j = start; j <= end; j++) {
        values.push(value);
        value = this.#step(value);
      }
    }
    this.#segment = { start, values };
    return this.#segment;
  }
}
