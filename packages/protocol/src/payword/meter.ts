import type { PaywordError } from './errors.ts';
import { bytesToHex, type HexHashStep, hexSteps, isHash32Hex, sha256HexStep, writeHex32 } from './hash.ts';
import { PAYWORD_REORDER_WINDOW, PAYWORD_STEPS_AHEAD_MAX } from './limits.ts';

/** What the signed initiation committed to (`hashChain`), with the deposit it may not exceed. */
export interface PaywordMeterOptions {
  readonly rootHex: string;
  /** In the merchant's currency. */
  readonly unitPriceMinor: bigint;
  readonly lengthMax: number;
  /** The merchant-side deposit: index × unit price may not exceed it. */
  readonly depositMinor: bigint;
  /** One SHA-256 step on hex; default the isomorphic one (a platform may pass node:crypto's). */
  readonly step?: HexHashStep;
  readonly reorderWindow?: number;
  readonly stepsAheadMax?: number;
}

/** A payment of `units` units revealing `w_index` (64 lowercase hex digits): it pays units index-units+1 … index. */
export interface PaywordClaim {
  readonly index: number;
  readonly units: number;
  readonly preimageHex: string;
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
  readonly #step: HexHashStep;
  readonly #window: number;
  readonly #aheadMax: number;
  /** The deepest verified preimage: a new highest index is hashed down to it. */
  #anchorIndex = 0;
  #anchor: string;
  /**
   * Units reserved or committed, a ring over the window below the anchor
   * (unit u in slot u mod window; no allocation per payment).
   */
  readonly #taken: Uint8Array;
  /**
   * Recently verified preimages, a small ring: an older index hashes up to
   * the nearest one above it. Kept as bytes in one preallocated array, not
   * as the strings they arrived in: a string held for RECENT_PREIMAGES
   * payments outlives V8's young generation, and one promoted per payment
   * made the server run major collections under load.
   */
  readonly #recent = new Uint8Array(RECENT_PREIMAGES * 32);
  readonly #recentIndex = new Float64Array(RECENT_PREIMAGES).fill(-1);
  #committedUnits = 0;
  #topIndex = 0;
  #topPreimage: string | undefined;

  constructor(options: PaywordMeterOptions) {
    if (options.unitPriceMinor <= 0n) throw new RangeError('unitPriceMinor must be positive');
    this.unitPriceMinor = options.unitPriceMinor;
    this.lengthMax = options.lengthMax;
    this.depositMinor = options.depositMinor;
    const byDeposit = options.depositMinor / options.unitPriceMinor;
    this.#indexMax = byDeposit < BigInt(options.lengthMax) ? Number(byDeposit) : options.lengthMax;
    if (!isHash32Hex(options.rootHex)) throw new RangeError('rootHex must be 64 lowercase hex digits');
    this.#anchor = options.rootHex;
    this.#step = options.step ?? sha256HexStep;
    this.#window = options.reorderWindow ?? PAYWORD_REORDER_WINDOW;
    this.#aheadMax = options.stepsAheadMax ?? PAYWORD_STEPS_AHEAD_MAX;
    this.#taken = new Uint8Array(this.#window);
  }

  reserve(claim: PaywordClaim): PaywordReservation | PaywordError {
    const { index, units, preimageHex: preimage } = claim;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(units) || units < 1 || index < units) {
      return 'payword_malformed';
    }
    if (!isHash32Hex(preimage)) return 'payword_malformed';
    if (index > this.lengthMax) return 'payword_beyond_chain';
    if (index > this.#indexMax) return 'payword_exceeds_deposit';
    if (index - this.#anchorIndex > this.#aheadMax) return 'payword_too_far_ahead';
    // Units above the anchor are free (the ring slots of a new range are cleared when the anchor moves).
    const floor = Math.max(index, this.#anchorIndex) - this.#window;
    for (let u = index - units + 1; u <= index; u++) {
      if (u <= floor || (u <= this.#anchorIndex && this.#taken[u % this.#window] === 1))
        return 'payword_replayed';
    }
    if (!this.#onChain(index, preimage)) return 'payword_not_on_chain';
    if (index > this.#anchorIndex) this.#moveAnchor(index, preimage);
    for (let u = index - units + 1; u <= index; u++) this.#taken[u % this.#window] = 1;
    this.#remember(index, preimage);
    return { index, units, amountMinor: BigInt(units) * this.unitPriceMinor };
  }

  commit(reservation: PaywordReservation, preimageHex: string): PaywordCommitted {
    this.#committedUnits += reservation.units;
    if (reservation.index > this.#topIndex) {
      this.#topIndex = reservation.index;
      this.#topPreimage = preimageHex;
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
    const floor = this.#anchorIndex - this.#window;
    for (let u = reservation.index - reservation.units + 1; u <= reservation.index; u++) {
      if (u > floor) this.#taken[u % this.#window] = 0;
    }
  }

  get committedUnits(): number {
    return this.#committedUnits;
  }

  get cumulativeMinor(): bigint {
    return BigInt(this.#committedUnits) * this.unitPriceMinor;
  }

  /** The highest committed index and its preimage (undefined before the first payment). */
  get top(): { readonly index: number; readonly preimageHex: string } | undefined {
    return this.#topPreimage ? { index: this.#topIndex, preimageHex: this.#topPreimage } : undefined;
  }

  /**
   * `H^k(w_index)` must meet a verified value: the anchor for a new highest
   * index; for an older one, the nearest recently verified index above it
   * (concurrent requests interleave, so usually a step or two), else the anchor.
   */
  #onChain(index: number, preimage: string): boolean {
    if (index > this.#anchorIndex)
      return hexSteps(preimage, index - this.#anchorIndex, this.#step) === this.#anchor;
    const last = Math.min(this.#anchorIndex - 1, index + RECENT_PREIMAGES);
    for (let above = index; above <= last; above++) {
      const slot = above % RECENT_PREIMAGES;
      if (this.#recentIndex[slot] === above) {
        const recent = bytesToHex(this.#recent.subarray(slot * 32, slot * 32 + 32));
        return hexSteps(recent, above - index, this.#step) === preimage;
      }
    }
    return hexSteps(this.#anchor, this.#anchorIndex - index, this.#step) === preimage;
  }

  /** Frees the ring slots the new units take over (they held units now below the window). */
  #moveAnchor(index: number, preimage: string): void {
    const from = Math.max(this.#anchorIndex + 1, index - this.#window + 1);
    for (let u = from; u <= index; u++) this.#taken[u % this.#window] = 0;
    this.#anchorIndex = index;
    this.#anchor = preimage;
  }

  #remember(index: number, preimage: string): void {
    const slot = index % RECENT_PREIMAGES;
    writeHex32(preimage, this.#recent, slot * 32);
    this.#recentIndex[slot] = index;
  }
}

/** How many recently verified preimages a meter keeps to check out-of-order ones cheaply. */
const RECENT_PREIMAGES = 256;
