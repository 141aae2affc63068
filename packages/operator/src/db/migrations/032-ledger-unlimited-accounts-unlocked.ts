import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * A transfer batch locks up front only the accounts with a limit, and writes
 * every balance as a delta.
 *
 * Why: every hold and every clearing of an operator moves its one interop
 * account (and at the MTA its liquidity and fees accounts). Locked when the
 * batch started, such a row stayed locked across two round trips and the
 * Node event-loop turns between them (lock -> write -> commit); under load,
 * sessions queued on it (BENCHMARKS.md, sessions).
 *
 * The one rule that reads a balance is the limit check. Accounts without a
 * limit (flags 0: interop, liquidity, fees, funding, credit line) are read,
 * not locked; the write statement locks them itself and adds the batch's
 * deltas to whatever is committed by then, so their lock lasts from the
 * write to the commit only. Accounts with a limit (customers, merchants) are
 * locked first, as before: their check needs the current balance.
 *
 * Deadlock-free as before: every batch takes its limited accounts (id order)
 * before any unlimited one (id order), one global order. (Locking only the
 * accounts whose limit a batch may actually reach would break it: two
 * customers paying each other would each lock the debited one first.)
 * Overflow of an unlimited account past the bigint range, which the ledger
 * checks against a balance that may be a little stale, fails the write with
 * PostgreSQL's out-of-range error instead: no wrong money either way.
 *
 * Migration 001's `ledger_lock_accounts` and `ledger_write_batch` stay as
 * they were, unused.
 */
export const ledgerUnlimitedAccountsUnlocked032: Migration = {
  async up(db: Kysely<unknown>) {
    await sql.raw(LOAD_ACCOUNTS_FUNCTION).execute(db);
    await sql.raw(WRITE_BATCH_DELTAS_FUNCTION).execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function ledger_write_batch_deltas`.execute(db);
    await sql`drop function ledger_load_accounts`.execute(db);
  },
};

const ACCOUNT_COLUMNS = `a.id, a.currency, a.kind, a.flags, a.debits_pending, a.debits_posted,
  a.credits_pending, a.credits_posted, a.created_at`;

/**
 * The batch's accounts and which of its transfer ids already exist, as
 * `ledger_lock_accounts` returns them; only the accounts with a limit are
 * locked (id order).
 */
const LOAD_ACCOUNTS_FUNCTION = `
create function ledger_load_accounts(p_account_ids text[], p_transfer_ids text[])
returns table (id text, currency char(3), kind text, flags integer, debits_pending bigint,
  debits_posted bigint, credits_pending bigint, credits_posted bigint, created_at timestamptz,
  existing_ids text[])
language plpgsql
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
  existing text[] := array(select t.id from ledger_transfers t where t.id = any(p_transfer_ids));
begin
  return query
    select ${ACCOUNT_COLUMNS}, existing
    from ledger_accounts a where a.id = any(p_account_ids) and a.flags <> 0
    order by a.id for no key update of a;
  return query
    select ${ACCOUNT_COLUMNS}, existing
    from ledger_accounts a where a.id = any(p_account_ids) and a.flags = 0;
end $$`;

/**
 * `ledger_write_batch` (migration 001) with the balances as deltas: a_* are
 * what the batch adds to each account. The rows are locked first, in id
 * order (a no-op for the limited ones, locked already), then updated.
 */
const WRITE_BATCH_DELTAS_FUNCTION = `
create function ledger_write_batch_deltas(
  t_id text[], t_kind text[], t_debit text[], t_credit text[], t_amount bigint[], t_currency text[],
  t_flags integer[], t_pending_id text[], t_timeout integer[], t_expires timestamptz[], t_status text[],
  t_code integer[], t_user_data text[], t_created timestamptz[],
  a_id text[], a_dp bigint[], a_dpo bigint[], a_cp bigint[], a_cpo bigint[],
  h_id text[], h_status text[], absent_ids text[])
returns table (id text, seq bigint)
language plpgsql
set enable_seqscan = off
as $$
#variable_conflict use_column
declare
  updated bigint;
begin
  perform 1 from ledger_accounts a where a.id = any(a_id) order by a.id for no key update of a;
  return query
    insert into ledger_transfers as t (id, kind, debit_account_id, credit_account_id, amount, currency,
      flags, pending_id, timeout_seconds, expires_at, pending_status, code, user_data, created_at)
    select * from unnest(t_id, t_kind, t_debit, t_credit, t_amount, t_currency, t_flags, t_pending_id,
      t_timeout, t_expires, t_status, t_code, t_user_data, t_created)
    returning t.id, t.seq;
  update ledger_accounts a set debits_pending = a.debits_pending + u.dp,
    debits_posted = a.debits_posted + u.dpo, credits_pending = a.credits_pending + u.cp,
    credits_posted = a.credits_posted + u.cpo
  from unnest(a_id, a_dp, a_dpo, a_cp, a_cpo) as u(id, dp, dpo, cp, cpo)
  where a.id = u.id;
  get diagnostics updated = row_count;
  if updated <> coalesce(cardinality(a_id), 0) then
    raise exception 'ledger invariant: a balance update missed its account row';
  end if;
  update ledger_transfers h set pending_status = u.status
  from unnest(h_id, h_status) as u(id, status)
  where h.id = u.id and h.pending_status = 'pending';
  get diagnostics updated = row_count;
  if updated <> coalesce(cardinality(h_id), 0) then
    raise exception 'ledger invariant: a resolved hold was not pending';
  end if;
  if exists (select 1 from ledger_transfers t where t.id = any(absent_ids)) then
    raise exception using errcode = 'serialization_failure',
      message = 'ledger: a transfer id the batch refused was created concurrently; retry the batch';
  end if;
end $$`;
