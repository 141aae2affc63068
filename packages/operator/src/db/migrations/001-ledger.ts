import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The double-entry ledger (DESIGN §4), after TigerBeetle: balances live on the
 * account row, transfers are immutable journal rows in `seq` order. The one
 * mutable transfer column is `pending_status`, the resolution of a hold.
 *
 * The service keeps every invariant itself (it locks the accounts it touches);
 * the constraints here are a second line that turns a bug into an error
 * instead of wrong money: balances never negative, every hold resolved at
 * most once (unique `pending_id`), kind and status consistent.
 */
export const ledger001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table ledger_accounts (
        id text primary key,
        currency char(3) not null,
        kind text not null,
        flags integer not null default 0 check (flags in (0, 1, 2)),
        debits_pending bigint not null default 0 check (debits_pending >= 0),
        debits_posted bigint not null default 0 check (debits_posted >= 0),
        credits_pending bigint not null default 0 check (credits_pending >= 0),
        credits_posted bigint not null default 0 check (credits_posted >= 0),
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table ledger_transfers (
        seq bigserial not null unique,
        id text primary key,
        kind text not null check (kind in ('single', 'pending', 'post', 'void', 'expire')),
        debit_account_id text not null references ledger_accounts (id),
        credit_account_id text not null references ledger_accounts (id),
        amount bigint not null check (amount >= 0),
        currency char(3) not null,
        flags integer not null default 0,
        pending_id text references ledger_transfers (id),
        timeout_seconds integer not null default 0 check (timeout_seconds >= 0),
        expires_at timestamptz,
        pending_status text check (pending_status in ('pending', 'posted', 'voided', 'expired')),
        code integer not null default 0 check (code >= 0),
        user_data text,
        created_at timestamptz not null default now(),
        check ((kind = 'pending') = (pending_status is not null)),
        check ((kind in ('post', 'void', 'expire')) = (pending_id is not null)),
        check (debit_account_id <> credit_account_id)
      )`.execute(db);
    // A hold has at most one resolution (post, void or expire), whatever the code above does.
    await sql`create unique index ledger_transfers_resolution on ledger_transfers (pending_id) where pending_id is not null`.execute(
      db,
    );
    await sql`create index ledger_transfers_expiry on ledger_transfers (expires_at) where pending_status = 'pending'`.execute(
      db,
    );
    await sql`create index ledger_transfers_debit on ledger_transfers (debit_account_id, seq)`.execute(db);
    await sql`create index ledger_transfers_credit on ledger_transfers (credit_account_id, seq)`.execute(db);
    await sql.raw(LOCK_ACCOUNTS_FUNCTION).execute(db);
    await sql.raw(WRITE_BATCH_FUNCTION).execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop function ledger_write_batch`.execute(db);
    await sql`drop function ledger_lock_accounts`.execute(db);
    await sql`drop table ledger_transfers`.execute(db);
    await sql`drop table ledger_accounts`.execute(db);
  },
};

/*
 * The two statements of every transfer batch live in PL/pgSQL functions for
 * speed: PL/pgSQL plans its statements once per connection and reuses them,
 * where a plain statement sent by Kysely is parsed and planned on every call.
 * Measured on the 2-core bench machine: ~700 -> ~1,150 single-transfer calls
 * per second. The logic stays in TypeScript; these only move rows.
 *
 * `enable_seqscan = off`: they only ever touch rows by primary key. A reused
 * (generic) plan made while `ledger_transfers` was still small can pick a
 * sequential scan and keep it as the table grows: seen in the bench as 24 s
 * per 8,000-transfer batch (every row compared with every id). Forcing
 * custom plans instead costs ~30% of batched throughput.
 */

/**
 * Locks the accounts of a batch in id order (deadlock-free), and in the same
 * round trip says which of the batch's transfer ids already exist.
 */
const LOCK_ACCOUNTS_FUNCTION = `
create function ledger_lock_accounts(p_account_ids text[], p_transfer_ids text[])
returns table (id text, currency char(3), kind text, flags integer, debits_pending bigint,
  debits_posted bigint, credits_pending bigint, credits_posted bigint, created_at timestamptz,
  existing_ids text[])
language plpgsql
set enable_seqscan = off
as $$
#variable_conflict use_column
begin
  return query
    select a.id, a.currency, a.kind, a.flags, a.debits_pending, a.debits_posted, a.credits_pending,
      a.credits_posted, a.created_at,
      array(select t.id from ledger_transfers t where t.id = any(p_transfer_ids))
    from ledger_accounts a where a.id = any(p_account_ids)
    order by a.id for no key update of a;
end $$`;

/**
 * Writes a batch: journal rows (returning their seq), absolute balances of
 * the locked accounts, and the new status of resolved holds. A count that
 * does not match is a bug upstream: raise, and the transaction is rolled back.
 *
 * `absent_ids` are ids the batch refused as new transfers: it read them as
 * not existing when its locks were taken, but a concurrent original may have
 * committed since. This statement's fresh snapshot settles it; if one exists
 * now, raise a serialization failure so the batch is retried and finds it
 * (a replay must never be refused as, say, `exceeds_credits`).
 */
const WRITE_BATCH_FUNCTION = `
create function ledger_write_batch(
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
  return query
    insert into ledger_transfers as t (id, kind, debit_account_id, credit_account_id, amount, currency,
      flags, pending_id, timeout_seconds, expires_at, pending_status, code, user_data, created_at)
    select * from unnest(t_id, t_kind, t_debit, t_credit, t_amount, t_currency, t_flags, t_pending_id,
      t_timeout, t_expires, t_status, t_code, t_user_data, t_created)
    returning t.id, t.seq;
  update ledger_accounts a set debits_pending = u.dp, debits_posted = u.dpo,
    credits_pending = u.cp, credits_posted = u.cpo
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
