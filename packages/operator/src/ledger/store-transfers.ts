import { sql } from 'kysely';
import type { LedgerExecutor } from './model.ts';
import { type TransferRow, transferFromRow } from './rows.ts';
import type { TransferRecord } from './state.ts';

/**
 * Transfer SQL. Every statement takes a whole batch as arrays (`= any`,
 * `unnest`), so a batch costs the same few round trips whatever its size.
 */

export const TRANSFER_COLUMNS = sql.raw(
  'seq, id, kind, debit_account_id, credit_account_id, amount, currency, flags, pending_id, ' +
    'timeout_seconds, expires_at, pending_status, code, user_data, created_at',
);

export async function selectTransfers(ex: LedgerExecutor, ids: readonly string[]): Promise<TransferRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<TransferRow>`
    select ${TRANSFER_COLUMNS} from ledger_transfers where id = any(${ids}::text[])`.execute(ex);
  return rows.map(transferFromRow);
}

/**
 * Locks holds before their accounts, in id order, so concurrent resolutions
 * of one hold queue up and then see its fresh status.
 */
export async function lockTransfers(ex: LedgerExecutor, ids: readonly string[]): Promise<TransferRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<TransferRow>`
    select ${TRANSFER_COLUMNS} from ledger_transfers where id = any(${ids}::text[])
    order by id for no key update`.execute(ex);
  return rows.map(transferFromRow);
}

/** Due holds for the sweeper, skipping any a resolver holds right now (it will expire them itself). */
export async function lockDueHolds(ex: LedgerExecutor, now: Date, limit: number): Promise<TransferRecord[]> {
  const { rows } = await sql<TransferRow>`
    select ${TRANSFER_COLUMNS} from ledger_transfers
    where pending_status = 'pending' and expires_at <= ${now}
    order by expires_at, id limit ${limit} for no key update skip locked`.execute(ex);
  return rows.map(transferFromRow);
}

/** Newest first: the two index scans (debit side, credit side) merged. */
export async function selectAccountTransfers(
  ex: LedgerExecutor,
  accountId: string,
  limit: number,
  beforeSeq: bigint | null,
): Promise<TransferRecord[]> {
  const before = beforeSeq ?? 9_223_372_036_854_775_807n;
  const { rows } = await sql<TransferRow>`
    (select ${TRANSFER_COLUMNS} from ledger_transfers where debit_account_id = ${accountId} and seq < ${before}
      order by seq desc limit ${limit})
    union all
    (select ${TRANSFER_COLUMNS} from ledger_transfers where credit_account_id = ${accountId} and seq < ${before}
      order by seq desc limit ${limit})
    order by seq desc limit ${limit}`.execute(ex);
  return rows.map(transferFromRow);
}
