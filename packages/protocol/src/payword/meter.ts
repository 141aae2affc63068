import type { PaywordError } from './errors.ts';
import { equalBytes, type HashStep, hashSteps, hexToBytes32, sha256Step } from './hash.ts';
import { PAYWORD_REORDER_WINDOW, PAYWORD_STEPS_AHEAD_MAX } from './limits.ts';

/** What the signed initiation committed to (`hashChain`), with the deposit it may not exceed. */
export interface PaywordMeterOptions {
  readonly rootHex: string;
  /** In the merchant's currency. */
  readonly unitPriceMinor: bigint;
  readonly lengthMax: number;
  /** The merchant-side deposit: index × unit price may not exceed it. */
  readonly depositMinor: bigint;
  readonly step?: HashStep;
  readonly reorderWindow?: number;
  readonly stepsAheadMax?: number;
}

/** A payment of `units` units revealing `w_index`: it pays units index-units+1 … index. */
export interface PaywordClaim {
  readonly index: number;
  readonly units: number;
  readonly preimage: Uint8Array;
}

/** Units held for one request until its handler succeeded (commit) or failed (release). */
export interface PaywordReservation {
  readonly index: number;
  readonly units: number;
  readonly amountMinor: bigint;
}

export interface PaywordCommitted {
  readonly index: number;
  readonly units: number;
  readonly amountMinor: bigint;
  /** Units served so far × unit price: what the merchant claims. */
  readonly cumulativeMinor: bigint;
  /** The highest committed index and its preimage: the clearing proof. */
  readonly topIndex: number;
}

/**
 * The merchant's side of one PayWord chain, in memory and synchronous: a
 * payment costs |index − anchor| hashes (one, for a wallet paying in order).
 * Out-of-order arrival within `reorderWindow` is accepted; every unit is paid
 * once (a replayed preimage, or one overlapping a paid unit, is refused).
 * Reserve before serving, commit after the handler succeeded, release if it
 * failed: a released unit can be paid again with the same preimage.
 */
export class PaywordMeter {
  readonly unitPriceMinor: bigint;
  readonly lengthMax: number;
  readonly depositMinor: bigint;
  /** The highest index the deposit covers (and the chain holds), as a number for the hot path. */
  readonly #indexMax: number;
  readonly #step: HashStep;
  readonly #window: number;
  readonly #aheadMax: number;
  /** The deepest verified preimage: a new highest index is hashed down to it. */
  #anchorIndex = 0;
  /** Verified preimages within the window: an older index is hashed up to the nearest one above it. */
  readonly #known = new Map<number, Uint8Array>();
  /** Units reserved or committed, within the window below the anchor. */
  readonly #taken = new Set<number>();
  #committedUnits = 0;
  #topIndex = 0;
  #topPreimage: Uint8Array | undefined;

  constructor(options: PaywordMeterOptions) {
    if (options.unitPriceMinor <= 0n) throw new RangeError('unitPriceMinor must be positive');
    this.unitPriceMinor = options.unitPriceMinor;
    this.lengthMax = options.lengthMax;
    this.depositMinor = options.depositMinor;
    const byDeposit = options.depositMinor / options.unitPriceMinor;
    this.#indexMax = byDeposit < BigInt(options.lengthMax) ? Number(byDeposit) : options.lengthMax;
    this.#known.set(0, hexToBytes32(options.rootHex));
    this.#step = options.step ?? sha256Step;
    this.#window = options.reorderWindow ?? PAYWORD_REORDER_WINDOW;
    this.#aheadMax = options.stepsAheadMax ?? PAYWORD_STEPS_AHEAD_MAX;
  }

  reserve(claim: PaywordClaim): PaywordReservation | PaywordError {
    const { index, units, preimage } = claim;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(units) || units < 1 || index < units) {
      return 'payword_malformed';
    }
    if (preimage.length !== 32) return 'payword_malformed';
    if (index > this.lengthMax) return 'payword_beyond_chain';
    if (index > this.#indexMax) return 'payword_exceeds_deposit';
    if (index - this.#anchorIndex > this.#aheadMax) return 'payword_too_far_ahead';
    const floor = this.#anchorIndex - this.#window;
    for (let u = index - units + 1; u <= index; u++) {
      if (u <= floor || this.#taken.has(u)) return 'payword_replayed';
    }
    if (!this.#onChain(index, preimage)) return 'payword_not_on_chain';
    for (let u = index - units + 1; u <= index; u++) this.#taken.add(u);
    this.#known.set(index, preimage);
    if (index > this.#anchorIndex) this.#moveAnchor(index);
    return { index, units, amountMinor: BigInt(units) * this.unitPriceMinor };
  }

  commit(reservation: PaywordReservation, preimage: Uint8Array): PaywordCommitted {
    this.#committedUnits += reservation.units;
    if (reservation.index > this.#topIndex) {
      this.#topIndex = reservation.index;
      this.#topPreimage = preimage;
    }
    return {
      index: reservation.index,
      units: reservation.units,
      amountMinor: reservation.amountMinor,
      cumulativeMinor: this.cumulativeMinor,
      topIndex: this.#topIndex,
    };
  }

  /** The handler failed: the units are free again (the same preimage may pay them later). */
  release(reservation: PaywordReservation): void {
    for (let u = reservation.index - reservation.units + 1; u <= reservation.index; u++)
      this.#taken.delete(u);
  }

  get committedUnits(): number {
    return this.#committedUnits;
  }

  get cumulativeMinor(): bigint {
    return BigInt(this.#committedUnits) * this.unitPriceMinor;
  }

  /** The highest committed index and its preimage (undefined before the first payment). */
  get top(): { readonly index: number; readonly preimage: Uint8Array } | undefined {
    return this.#topPreimage ? { index: this.#topIndex, preimage: this.#topPreimage } : undefined;
  }

  /**
   * `H^k(w_index)` must meet a verified value: the anchor for a new highest
   * index; for an older one, the nearest verified index above it (concurrent
   * requests interleave, so that is usually a step or two away).
   */
  #onChain(index: number, preimage: Uint8Array): boolean {
    const known = this.#known.get(index);
    if (known) return equalBytes(known, preimage);
    if (index > this.#anchorIndex) {
      const anchor = this.#known.get(this.#anchorIndex) as Uint8Array;
      return equalBytes(hashSteps(preimage, index - this.#anchorIndex, this.#step), anchor);
    }
    for (let above = index + 1; above <= this.#anchorIndex; above++) {
      const value = this.#known.get(above);
      if (value) return equalBytes(hashSteps(value, above - index, this.#step), preimage);
    }
    return false;
  }

  #moveAnchor(index: number): void {
    this.#anchorIndex = index;
    if (this.#taken.size > 2 * this.#window) {
      const floor = index - this.#window;
      for (const u of this.#taken) if (u <= floor) this.#taken.delete(u);
      for (const k of this.#known.keys()) if (k < floor) this.#known.delete(k);
    }
  }
}
