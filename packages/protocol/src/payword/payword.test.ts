import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaywordChain } from './chain.ts';
import { bytesToHex, hashSteps, hexToBytes32 } from './hash.ts';
import { PaywordMeter, type PaywordReservation } from './meter.ts';

const nodeStep = (v: Uint8Array) => new Uint8Array(createHash('sha256').update(v).digest());
const nodeHexStep = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

function meterFor(
  chain: PaywordChain,
  overrides: Partial<ConstructorParameters<typeof PaywordMeter>[0]> = {},
) {
  return new PaywordMeter({
    rootHex: chain.rootHex,
    unitPriceMinor: 5n,
    lengthMax: chain.lengthMax,
    depositMinor: 5n * BigInt(chain.lengthMax),
    ...overrides,
  });
}

function accepted<T>(value: T | string): T {
  if (typeof value === 'string') throw new Error(`refused: ${value}`);
  return value;
}

describe('PayWord chain (wallet side)', () => {
  it('root = H^n(seed); H(w_i) = w_{i-1}; checkpoints give the same values as hashing from the seed', () => {
    const seed = new Uint8Array(32).fill(7);
    const n = 2_500;
    const chain = new PaywordChain({ lengthMax: n, seed, checkpointInterval: 64 });
    expect(chain.rootHex).toBe(bytesToHex(hashSteps(seed, n)));
    for (const i of [1, 2, 63, 64, 65, 1_000, 2_436, 2_437, 2_499, 2_500]) {
      expect(bytesToHex(hashSteps(chain.preimage(i), i))).toBe(chain.rootHex);
      expect(bytesToHex(nodeStep(chain.preimage(i)))).toBe(chain.preimageHex(i - 1));
    }
    expect(chain.preimage(n)).toEqual(seed);
    expect(chain.preimageHex(0)).toBe(chain.rootHex);
  });

  it('a chain whose length is a multiple of the checkpoint interval reveals every index', () => {
    const chain = new PaywordChain({ lengthMax: 128, checkpointInterval: 64 });
    for (let i = 128; i >= 0; i--) expect(bytesToHex(hashSteps(chain.preimage(i), i))).toBe(chain.rootHex);
  });

  it('refuses lengths outside 1..HASH_CHAIN_LENGTH_MAX', () => {
    expect(() => new PaywordChain({ lengthMax: 0 })).toThrow(RangeError);
    expect(() => new PaywordChain({ lengthMax: 1_000_001 })).toThrow(RangeError);
  });
});

describe('PayWord meter (merchant side)', () => {
  const chain = new PaywordChain({ lengthMax: 300, checkpointInterval: 32 });

  it('accepts units in order with one hash each, and counts what was committed', () => {
    const meter = meterFor(chain, { step: nodeHexStep });
    for (let i = 1; i <= 10; i++) {
      const preimage = chain.preimageHex(i);
      const r = accepted(meter.reserve({ index: i, units: 1, preimageHex: preimage }));
      expect(meter.commit(r, preimage).cumulativeMinor).toBe(5n * BigInt(i));
    }
    expect(meter.top?.index).toBe(10);
  });

  it('pays k units with the preimage k steps on', () => {
    const meter = meterFor(chain);
    const r = accepted(meter.reserve({ index: 3, units: 3, preimageHex: chain.preimageHex(3) }));
    expect(r.amountMinor).toBe(15n);
    expect(meter.reserve({ index: 2, units: 1, preimageHex: chain.preimageHex(2) })).toBe('payword_replayed');
  });

  it('refuses a replayed preimage, a preimage not on the chain, and one beyond the chain or the deposit', () => {
    const meter = meterFor(chain, { depositMinor: 50n });
    const p1 = chain.preimageHex(1);
    meter.commit(accepted(meter.reserve({ index: 1, units: 1, preimageHex: p1 })), p1);
    expect(meter.reserve({ index: 1, units: 1, preimageHex: p1 })).toBe('payword_replayed');
    expect(meter.reserve({ index: 2, units: 1, preimageHex: '00'.repeat(32) })).toBe('payword_not_on_chain');
    expect(meter.reserve({ index: 3, units: 1, preimageHex: chain.preimageHex(2) })).toBe(
      'payword_not_on_chain',
    );
    expect(meter.reserve({ index: 11, units: 1, preimageHex: chain.preimageHex(11) })).toBe(
      'payword_exceeds_deposit',
    );
    expect(meterFor(chain).reserve({ index: 301, units: 1, preimageHex: p1 })).toBe('payword_beyond_chain');
    expect(meter.reserve({ index: 2, units: 0, preimageHex: p1 })).toBe('payword_malformed');
  });

  it('bounds the work of a far-ahead index', () => {
    const meter = meterFor(chain, { stepsAheadMax: 100 });
    expect(meter.reserve({ index: 101, units: 1, preimageHex: chain.preimageHex(101) })).toBe(
      'payword_too_far_ahead',
    );
    expect(typeof meter.reserve({ index: 100, units: 1, preimageHex: chain.preimageHex(100) })).toBe(
      'object',
    );
  });

  it('a released unit can be paid again with the same preimage; a committed one cannot', () => {
    const meter = meterFor(chain);
    const p = chain.preimageHex(1);
    const r = accepted(meter.reserve({ index: 1, units: 1, preimageHex: p }));
    expect(meter.reserve({ index: 1, units: 1, preimageHex: p })).toBe('payword_replayed');
    meter.release(r);
    meter.commit(accepted(meter.reserve({ index: 1, units: 1, preimageHex: p })), p);
    expect(meter.committedUnits).toBe(1);
  });

  it('property: any arrival order within the window accepts every unit exactly once, replays never', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          Array.from({ length: 60 }, (_, i) => i + 1),
          { minLength: 60, maxLength: 60 },
        ),
        fc.array(fc.nat({ max: 59 }), { maxLength: 20 }),
        (order, replays) => {
          const meter = meterFor(chain, { reorderWindow: 64 });
          for (const i of order) {
            const p = chain.preimageHex(i);
            meter.commit(accepted(meter.reserve({ index: i, units: 1, preimageHex: p })), p);
          }
          for (const r of replays) {
            const i = (order[r] as number) ?? 1;
            expect(meter.reserve({ index: i, units: 1, preimageHex: chain.preimageHex(i) })).toBe(
              'payword_replayed',
            );
          }
          expect(meter.committedUnits).toBe(60);
          expect(meter.top?.index).toBe(60);
        },
      ),
      { seed: 402, numRuns: 50 },
    );
  });

  it('reservations racing for one unit: exactly one wins', () => {
    const meter = meterFor(chain);
    const p = chain.preimageHex(2);
    const results = [1, 2, 3].map(() => meter.reserve({ index: 2, units: 1, preimageHex: p }));
    expect(results.filter((r) => typeof r === 'object')).toHaveLength(1);
    const r = results.find((x): x is PaywordReservation => typeof x === 'object');
    expect(r?.index).toBe(2);
  });

  it('hexToBytes32 refuses anything but 64 lowercase hex digits', () => {
    expect(() => hexToBytes32('AB'.repeat(32))).toThrow();
  });
});

describe('clearing from the last preimage', () => {
  it('proves index units against the committed root, nothing else', async () => {
    const { verifyHashChainReveal } = await import('./reveal.ts');
    const chain = new PaywordChain({ lengthMax: 50 });
    const commitment = { rootHex: chain.rootHex, lengthMax: 50 };
    expect(verifyHashChainReveal(commitment, { index: 17, preimageHex: chain.preimageHex(17) })).toBe(true);
    expect(verifyHashChainReveal(commitment, { index: 18, preimageHex: chain.preimageHex(17) })).toBe(false);
    expect(verifyHashChainReveal(commitment, { index: 51, preimageHex: chain.preimageHex(17) })).toBe(false);
    expect(verifyHashChainReveal(commitment, { index: 0, preimageHex: chain.rootHex })).toBe(false);
  });
});
