import { describe, expect, it } from 'vitest';
import { decideClearing, type Evidence } from './decide.ts';
import type { MtaRecord } from './model.ts';

const DEPOSIT = 874n;

function evidence(
  side: 'customer' | 'merchant',
  fields: Partial<MtaRecord>,
  voucher?: { seq: number; cumulativeMinor: bigint },
): Evidence {
  const record: MtaRecord = {
    side,
    recordJws: 'x.y.z',
    purchaseCount: 2,
    totalMinor: 300n,
    purchaseListHash: 'a'.repeat(64),
    lastSeq: 2,
    lastVoucherJws: voucher ? 'v.w.x' : null,
    receivedAt: new Date(0),
    ...fields,
  };
  return { record, voucher };
}

describe('the tally: deciding a clearing', () => {
  it('agrees when the records match, at their voucher', () => {
    const v = { seq: 2, cumulativeMinor: 300n };
    expect(decideClearing(DEPOSIT, evidence('customer', {}, v), evidence('merchant', {}, v))).toEqual({
      outcome: 'agreed',
      reason: 'records_match',
      voucherSeq: 2,
      clearedMerchantMinor: 300n,
    });
  });

  it('takes the newest voucher of either side when the records differ', () => {
    const customer = evidence(
      'customer',
      { purchaseCount: 1, totalMinor: 100n, lastSeq: 1 },
      { seq: 1, cumulativeMinor: 100n },
    );
    const merchant = evidence('merchant', {}, { seq: 2, cumulativeMinor: 300n });
    expect(decideClearing(DEPOSIT, customer, merchant)).toEqual({
      outcome: 'customer_vouchers',
      reason: 'records_differ',
      voucherSeq: 2,
      clearedMerchantMinor: 300n,
    });
    // the customer's newer voucher wins over a merchant who under-reports
    expect(decideClearing(DEPOSIT, merchantSide(customer, 'customer', 5, 600n), merchant)).toMatchObject({
      voucherSeq: 5,
      clearedMerchantMinor: 600n,
    });
  });

  it('names the missing record, and clears from the one that is in', () => {
    const v = { seq: 3, cumulativeMinor: 874n };
    expect(decideClearing(DEPOSIT, undefined, evidence('merchant', {}, v))).toMatchObject({
      outcome: 'customer_vouchers',
      reason: 'customer_record_missing',
      clearedMerchantMinor: 874n,
    });
    expect(decideClearing(DEPOSIT, evidence('customer', {}, v), undefined).reason).toBe(
      'merchant_record_missing',
    );
    expect(decideClearing(DEPOSIT, undefined, undefined)).toEqual({
      outcome: 'nothing_claimed',
      reason: 'records_missing',
      voucherSeq: 0,
      clearedMerchantMinor: 0n,
    });
  });

  it('claims nothing without a valid voucher, even from matching records', () => {
    const empty = { purchaseCount: 0, totalMinor: 0n, lastSeq: 0 };
    expect(decideClearing(DEPOSIT, evidence('customer', empty), evidence('merchant', empty))).toMatchObject({
      outcome: 'nothing_claimed',
      clearedMerchantMinor: 0n,
    });
    // records that match but whose voucher did not check out prove nothing
    expect(decideClearing(DEPOSIT, evidence('customer', {}), evidence('merchant', {})).outcome).toBe(
      'nothing_claimed',
    );
  });

  it('never clears more than the deposit', () => {
    const v = { seq: 9, cumulativeMinor: 10_000n };
    expect(decideClearing(DEPOSIT, undefined, evidence('merchant', {}, v)).clearedMerchantMinor).toBe(
      DEPOSIT,
    );
  });
});

function merchantSide(
  e: Evidence,
  side: 'customer' | 'merchant',
  seq: number,
  cumulativeMinor: bigint,
): Evidence {
  return {
    record: { ...e.record, side, lastSeq: seq, totalMinor: cumulativeMinor },
    voucher: { seq, cumulativeMinor },
  };
}

describe('the tally with a hash chain (DESIGN §5)', () => {
  const chained = (
    side: 'customer' | 'merchant',
    index: number | undefined,
    voucher?: { seq: number; cumulativeMinor: bigint },
  ) => ({
    ...evidence(side, voucher ? {} : { purchaseCount: 0, totalMinor: 0n, lastSeq: 0 }, voucher),
    ...(index !== undefined ? { hashChainIndex: index } : {}),
  });

  it('agrees on equal records and clears index × unit price', () => {
    expect(decideClearing(DEPOSIT, chained('customer', 40), chained('merchant', 40), 5n)).toEqual({
      outcome: 'agreed',
      reason: 'records_match',
      voucherSeq: 0,
      clearedMerchantMinor: 200n,
      hashChainIndex: 40,
    });
  });

  it('clears from the deepest preimage either side holds, on top of the vouchers, within the deposit', () => {
    const v = { seq: 2, cumulativeMinor: 300n };
    expect(decideClearing(DEPOSIT, chained('customer', 41, v), chained('merchant', 40, v), 5n)).toMatchObject(
      {
        outcome: 'customer_vouchers',
        clearedMerchantMinor: 505n,
        hashChainIndex: 41,
      },
    );
    expect(decideClearing(DEPOSIT, undefined, chained('merchant', 1_000), 5n).clearedMerchantMinor).toBe(
      DEPOSIT,
    );
  });
});
