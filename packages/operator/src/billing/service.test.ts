import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/test-clock.ts';
import { openUnitOperator, type UnitOperator } from '../../test/support/trading-unit.ts';

const rate = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };

describe('billing records', () => {
  let op: UnitOperator;
  beforeAll(async () => {
    op = await openUnitOperator('op-a', 'SEK', createTestClock());
  });
  afterAll(async () => {
    await op?.close();
  });

  it('keeps one withdrawal and one deposit per transaction, the first write winning', async () => {
    const customer = await op.customer(0n);
    const merchant = await op.merchant('https://shop.example/tally');
    const withdrawal = {
      transactionId: 'op-a.1.1',
      kind: 'withdrawal' as const,
      partyId: customer.id,
      amountMinor: 4062n,
      currency: 'SEK',
      rate,
      feeMinor: 0n,
    };
    await op.billing.record(withdrawal);
    await op.billing.record({ ...withdrawal, amountMinor: 1n });
    await op.db.kysely
      .transaction()
      .execute((trx) =>
        op.billing.record(
          { ...withdrawal, kind: 'deposit', partyId: merchant.id, amountMinor: 355n, currency: 'EUR' },
          trx,
        ),
      );
    expect(await op.billing.forTransaction('op-a.1.1')).toEqual([
      expect.objectContaining({ kind: 'deposit', partyId: merchant.id, amountMinor: 355n, rate }),
      expect.objectContaining({ kind: 'withdrawal', partyId: customer.id, amountMinor: 4062n, rate }),
    ]);
  });

  it('refuses amounts that cannot be right', async () => {
    const customer = await op.customer(0n);
    const record = {
      transactionId: 'op-a.1.2',
      kind: 'withdrawal' as const,
      partyId: customer.id,
      amountMinor: 5n,
      currency: 'SEK',
      rate,
      feeMinor: 6n,
    };
    await expect(op.billing.record(record)).rejects.toThrow(/assertion/);
  });
});
