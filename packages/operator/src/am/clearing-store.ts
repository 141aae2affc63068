import type { Selectable } from 'kysely';
import type { AmClearingsTable } from '../db/schema.ts';
import type { AmClearing } from './model.ts';
import type { Executor } from './repository.ts';

/** `am_clearings`: at most one applied clearing per transaction (its primary key). */
export async function insertClearing(db: Executor, transactionId: string, c: AmClearing): Promise<void> {
  await db
    .insertInto('am_clearings')
    .values({
      transaction_id: transactionId,
      outcome: c.outcome,
      reason: c.reason,
      voucher_seq: BigInt(c.voucherSeq),
      cleared_customer_minor: c.clearedCustomerMinor,
      released_customer_minor: c.releasedCustomerMinor,
      cleared_merchant_minor: c.clearedMerchantMinor,
      fee_minor: c.feeMinor,
      ledger_transfer_id: c.ledgerTransferId,
      clearing_jws: c.clearingJws,
      cleared_at: c.clearedAt,
    })
    .execute();
}

export async function findClearing(db: Executor, transactionId: string): Promise<AmClearing | undefined> {
  const row = await db
    .selectFrom('am_clearings')
    .selectAll()
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
  return row && toClearing(row);
}

function toClearing(row: Selectable<AmClearingsTable>): AmClearing {
  return {
    outcome: row.outcome,
    reason: row.reason,
    voucherSeq: Number(row.voucher_seq),
    clearedCustomerMinor: row.cleared_customer_minor,
    releasedCustomerMinor: row.released_customer_minor,
    clearedMerchantMinor: row.cleared_merchant_minor,
    feeMinor: row.fee_minor,
    ledgerTransferId: row.ledger_transfer_id,
    clearingJws: row.clearing_jws,
    clearedAt: row.cleared_at,
  };
}
