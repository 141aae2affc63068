import { type Rate, toCustomerCharge } from '@tallystick/protocol';
import { expect } from 'vitest';
import { parseRate } from '../../../../cli/src/demo/money.ts';
import type { RateReport, TransactionReport } from '../../../../cli/src/demo/report.ts';
import { checkLedger } from '../../../../cli/src/network/ledger.ts';
import type { LocalNetwork } from '../../../../cli/src/network/network.ts';

/**
 * What every cleared transaction must show (DESIGN §3, §4; docs/trading-sessions.md):
 * the deposit splits exactly into charged and released, the charge is the
 * cleared merchant amount converted back rounded up, and the merchant never
 * gets more than its deposit.
 */
export function expectClearedConsistently(tx: TransactionReport): void {
  expect(tx.status, tx.transactionId).toBe('cleared');
  const rate = rateOf(tx.rate);
  const deposit = BigInt(tx.depositCustomerMinor);
  const clearedCustomer = BigInt(tx.clearedCustomerMinor ?? '-1');
  const released = BigInt(tx.releasedCustomerMinor ?? '-1');
  const clearedMerchant = BigInt(tx.clearedMerchantMinor ?? '-1');
  expect(clearedCustomer + released, tx.transactionId).toBe(deposit);
  expect(released >= 0n && clearedCustomer >= 0n, tx.transactionId).toBe(true);
  expect(clearedCustomer, tx.transactionId).toBe(toCustomerCharge(clearedMerchant, rate));
  expect(clearedMerchant <= BigInt(tx.depositMerchantMinor ?? '0'), tx.transactionId).toBe(true);
  // An acquiring fee comes out of the merchant's credit, never beyond it.
  const fee = BigInt(tx.feeMinor ?? '-1');
  expect(fee >= 0n && fee <= clearedMerchant, tx.transactionId).toBe(true);
  if (tx.outcome === 'nothing_claimed') expect(tx.voucherSeq).toBe(0);
}

/** Both operators' books: every currency sums to zero (posted and pending), every hold resolved exactly once. */
export async function expectBooksBalanced(network: LocalNetwork): Promise<void> {
  for (const operator of [network.customerOperator, network.merchantOperator]) {
    const check = await checkLedger(operator.node.db.kysely);
    for (const [currency, sum] of Object.entries(check.sums)) {
      expect({ operator: operator.spec.id, currency, ...sum }).toEqual({
        operator: operator.spec.id,
        currency,
        postedMinor: 0n,
        pendingMinor: 0n,
      });
    }
    expect(check.holdsOpen, `${operator.spec.id}: holds still pending`).toEqual([]);
    expect(check.holdsBroken, `${operator.spec.id}: holds not resolved exactly once`).toEqual([]);
  }
}

export function rateOf(rate: RateReport | null): Rate {
  if (!rate) throw new Error('a cleared transaction has a rate');
  return parseRate(rate);
}

/** What the merchant's account gains from a clearing: the cleared amount less the operator's fee. */
export function creditedOf(tx: TransactionReport): bigint {
  return BigInt(tx.clearedMerchantMinor ?? '0') - BigInt(tx.feeMinor ?? '0');
}

export function sumOf(values: readonly (string | null)[]): bigint {
  return values.reduce((sum, value) => sum + BigInt(value ?? '0'), 0n);
}
