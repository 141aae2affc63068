import { sql } from 'kysely';
import type { LedgerExecutor } from './model.ts';
import { type AccountRow, accountFromRow } from './rows.ts';
import type { AccountState } from './state.ts';

const COLUMNS = sql.raw(
  'id, currency, kind, flags, debits_pending, debits_posted, credits_pending, credits_posted, created_at',
);

export async function selectAccounts(ex: LedgerExecutor, ids: readonly string[]): Promise<AccountState[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<AccountRow>`
    select ${COLUMNS} from ledger_accounts where id = any(${ids}::text[])`.execute(ex);
  return rows.map(accountFromRow);
}

/**
 * Loads every account a batch touches, in one statement, locking those with
 * a limit in id order, so two batches can never wait on each other in a
 * cycle (the write locks the others after them, in id order too). The lock
 * is held to commit: the limit checks read current balances. Accounts
 * without a limit are read, not locked (migration 032): no rule needs their
 * balance but the overflow check, and the write adds deltas under a lock it
 * takes itself, held only until the commit that follows.
 *
 * The same round trip reports which of `transferIds` already exist (replays),
 * so a batch of new transfers costs no extra query. (A transfer committed
 * after this statement began is caught by the primary key on insert, and the
 * batch is retried.)
 */
export async function loadAccounts(
  ex: LedgerExecutor,
  accountIds: readonly string[],
  transferIds: readonly string[] = [],
): Promise<{ accounts: AccountState[]; existingTransferIds: string[] | null }> {
  if (accountIds.length === 0) return { accounts: [], existingTransferIds: null };
  const { rows } = await sql<AccountRow & { existing_ids: string[] }>`
    select * from ledger_load_accounts(${accountIds}::text[], ${transferIds}::text[])`.execute(ex);
  // No account row, no answer: the caller asks separately.
  const existingTransferIds = rows[0]?.existing_ids ?? null;
  return { accounts: rows.map(accountFromRow), existingTransferIds };
}

export async function insertAccounts(ex: LedgerExecutor, accounts: readonly AccountState[]): Promise<void> {
  if (accounts.length === 0) return;
  await sql`
    insert into ledger_accounts (id, currency, kind, flags, created_at)
    select * from unnest(${accounts.map((a) => a.id)}::text[], ${accounts.map((a) => a.currency)}::text[],
      ${accounts.map((a) => a.kind)}::text[], ${accounts.map((a) => a.flags)}::int4[],
      ${accounts.map((a) => a.createdAt)}::timestamptz[])`.execute(ex);
}
