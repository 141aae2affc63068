import type { Selectable } from 'kysely';
import type { AmClearingsTable } from '../db/schema.ts';
import type { AmClearing, AmTransaction } from './model.ts';
import { type Executor, toTransaction } from './repository.ts';

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

/** The hold is already gone (expired or voided): the clearing names the transfer that resolved it instead. */
export async function setClearingTransfer(
  db: Executor,
  transactionId: string,
  ledgerTransferId: string | null,
): Promise<void> {
  await db
    .updateTable('am_clearings')
    .set({ ledger_transfer_id: ledgerTransferId })
    .where('transaction_id', '=', transactionId)
    .execute();
}

/**
 * Locks the transaction row and reads its applied clearing, if any, in one
 * statement (two when a concurrent clearing committed while this one waited
 * for the lock): the lock is what makes a clearing apply once. A transaction
 * is `cleared` exactly when its clearing is stored (settlement.ts).
 */
export async function lockWithClearing(
  db: Executor,
  transactionId: string,
): Promise<{ transaction: AmTransaction; clearing: AmClearing | undefined } | undefined> {
  const found = await selectWithClearing(db, transactionId, true);
  if (!found) return undefined;
  const { transaction, clearing } = found;
  if (clearing || transaction.status !== 'cleared') return found;
  // Waited for the lock: the row is re-read as committed, the join is not (READ COMMITTED), so a
  // clearing applied meanwhile shows only as the status it set. Read it now, under the lock.
  return { transaction, clearing: await findClearing(db, transactionId) };
}

/** A transaction and its applied clearing, if any, as one snapshot (one statement). */
export async function findWithClearing(
  db: Executor,
  transactionId: string,
): Promise<{ transaction: AmTransaction; clearing: AmClearing | undefined } | undefined> {
  return selectWithClearing(db, transactionId, false);
}

async function selectWithClearing(
  db: Executor,
  transactionId: string,
  lock: boolean,
): Promise<{ transaction: AmTransaction; clearing: AmClearing | undefined } | undefined> {
  const query = db
    .selectFrom('am_transactions as t')
    .leftJoin('am_clearings as c', 'c.transaction_id', 't.id')
    .selectAll('t')
    .select([
      'c.transaction_id',
      'c.outcome',
      'c.reason',
      'c.voucher_seq',
      'c.cleared_customer_minor',
      'c.released_customer_minor',
      'c.cleared_merchant_minor',
      'c.fee_minor',
      'c.ledger_transfer_id',
      'c.clearing_jws',
      'c.cleared_at',
    ])
    .where('t.id', '=', transactionId);
  const row = await (lock ? query.forUpdate('t') : query).executeTakeFirst();
  if (!row) return undefined;
  // Left join: when the clearing's key is there, so is every column (all are not null but the transfer).
  const clearing =
    row.transaction_id === null ? undefined : toClearing(row as unknown as Selectable<AmClearingsTable>);
  return { transaction: toTransaction(row), clearing };
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
