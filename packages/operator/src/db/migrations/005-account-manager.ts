import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The account manager's side of trading sessions (seed FIG 2/3):
 * `SessionIdentity = AM.seq1` from a sequence, `TransactionIdentity =
 * SessionIdentity.seq2` from the session row. A transaction row keeps the
 * customer's identity, which never leaves the AM; the MTA only ever sees the
 * pseudonym. `am_clearings` holds at most one applied clearing per transaction.
 */
export const accountManager005: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create sequence am_session_seq`.execute(db);
    await sql`
      create table am_sessions (
        id text primary key,
        customer_id text not null references parties (id),
        next_transaction_seq bigint not null default 1 check (next_transaction_seq >= 1),
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table am_transactions (
        id text primary key,
        session_id text not null references am_sessions (id),
        customer_id text not null references parties (id),
        status text not null check (status in ('initiating', 'open', 'failed', 'cleared')),
        initiation_jti text not null,
        initiation_jws text not null,
        merchant_id text not null,
        mta_operator_id text not null,
        pseudonym text not null unique,
        session_key text not null,
        deposit_minor bigint not null check (deposit_minor > 0),
        currency char(3) not null,
        expires_at timestamptz not null,
        hold_id text not null references ledger_transfers (id),
        merchant_currency char(3),
        deposit_merchant_minor bigint check (deposit_merchant_minor > 0),
        rate_numerator bigint check (rate_numerator > 0),
        rate_denominator bigint check (rate_denominator > 0),
        mta_ack_jws text,
        session_ready_jws text,
        error_code text,
        created_at timestamptz not null default now(),
        unique (customer_id, initiation_jti),
        check (status <> 'open' or session_ready_jws is not null),
        check (status <> 'failed' or error_code is not null)
      )`.execute(db);
    await sql`
      create table am_clearings (
        transaction_id text primary key references am_transactions (id),
        outcome text not null,
        reason text not null,
        voucher_seq bigint not null check (voucher_seq >= 0),
        cleared_customer_minor bigint not null check (cleared_customer_minor >= 0),
        released_customer_minor bigint not null check (released_customer_minor >= 0),
        cleared_merchant_minor bigint not null check (cleared_merchant_minor >= 0),
        fee_minor bigint not null check (fee_minor >= 0),
        ledger_transfer_id text references ledger_transfers (id),
        clearing_jws text not null,
        cleared_at timestamptz not null
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table am_clearings`.execute(db);
    await sql`drop table am_transactions`.execute(db);
    await sql`drop table am_sessions`.execute(db);
    await sql`drop sequence am_session_seq`.execute(db);
  },
};
