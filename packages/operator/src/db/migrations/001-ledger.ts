import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The double-entry ledger (DESIGN §4), after TigerBeetle: balances live on the
 * account row, transfers are immutable journal rows in `seq` order. The one
 * mutable transfer column is `pending_status`, the resolution of a hold.
 */
export const ledger001: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table ledger_accounts (
        id text primary key,
        currency char(3) not null,
        kind text not null,
        flags integer not null default 0,
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
        debit_account_id text not null references ledger_accounts (id),
        credit_account_id text not null references ledger_accounts (id),
        amount bigint not null check (amount >= 0),
        currency char(3) not null,
        flags integer not null,
        pending_id text references ledger_transfers (id),
        timeout_seconds integer not null default 0,
        expires_at timestamptz,
        pending_status text check (pending_status in ('pending', 'posted', 'voided', 'expired')),
        code integer not null default 0,
        user_data text,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index ledger_transfers_expiry on ledger_transfers (expires_at) where pending_status = 'pending'`.execute(
      db,
    );
    await sql`create index ledger_transfers_debit on ledger_transfers (debit_account_id, seq)`.execute(db);
    await sql`create index ledger_transfers_credit on ledger_transfers (credit_account_id, seq)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table ledger_transfers`.execute(db);
    await sql`drop table ledger_accounts`.execute(db);
  },
};
