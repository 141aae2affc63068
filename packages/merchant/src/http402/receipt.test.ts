import { describe, expect, it } from 'vitest';
import type { PaywallTerms } from './offers.ts';
import { ReceiptEncoder, receiptHeader } from './receipt.ts';
import type { Settled } from './verifier.ts';

const terms = { network: 'tally:op-a' } as PaywallTerms;
const settled = (transactionId: string, seq: number, amountMinor: bigint): Settled => ({
  scheme: 'tally-payword',
  transactionId,
  payer: 'p',
  seq,
  amountMinor,
  cumulativeMinor: BigInt(seq) * amountMinor,
  currency: 'EUR',
  remainingMinor: 0n,
});

describe('the receipt encoder', () => {
  it('writes the same header as receiptHeader for every alignment, price change and transaction', () => {
    const encoder = new ReceiptEncoder(terms);
    // Ids of three lengths put the cached start at each offset within a base64 group.
    for (const id of ['op-a.1.1', 'op-a.1.22', 'op-a.1.333']) {
      for (const [seq, amount] of [
        [1, 5n],
        [2, 5n],
        [3, 50n],
        [10_000, 50n],
        [10_001, 5n],
      ] as const) {
        const r = settled(id, seq, amount);
        expect(encoder.encode(r)).toBe(receiptHeader(terms, r));
      }
    }
    const json = JSON.parse(atob(encoder.encode(settled('op-a.1.1', 7, 5n))));
    expect(json).toEqual({
      success: true,
      transaction: 'op-a.1.1',
      network: 'tally:op-a',
      amount: '5',
      extra: { seq: 7, cumulativeMinor: '35' },
    });
  });
});
