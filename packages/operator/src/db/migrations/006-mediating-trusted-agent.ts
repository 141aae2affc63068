import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The mediating trusted agent's side (seed FIG 2/3). A trading session is
 * registered only once the merchant acknowledged it; each side hands in one
 * record (the primary key refuses a second); a clearing is written once, in
 * the transaction that books it, with its delivery to the customer's AM
 * queued in `mta_outbox` until that AM acknowledges.
 */
export const mediatingTrustedAgent006: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table mta_transactions (
        id text primary key,
        am_operator_id text not null,
        merchant_id text not null references parties (id),
        status text not null check (status in ('open', 'cleared')),
        pseudonym text not null,
        session_key text not null,
        offer_id text not null,
        deposit_customer_minor bigint not null check (deposit_customer_minor > 0),
        customer_currency char(3) not null,
        deposit_merchant_minor bigint not null check (deposit_merchant_minor > 0),
        merchant_currency char(3) not null,
        rate_numerator bigint not null check (rate_numerator > 0),
        rate_denominator bigint not null check (rate_denominator > 0),
        expires_at timestamptz not null,
        amended_initiation_jws text not null,
        merchant_ack_jws text not null,
        mta_ack_jws text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index mta_transactions_due on mta_transactions (expires_at) where status = 'open'`.execute(
      db,
    );
    await sql`
      create table mta_records (
        transaction_id text not null references mta_transactions (id),
        side text not null check (side in ('customer', 'merchant')),
        record_jws text not null,
        purchase_count integer not null check (purchase_count >= 0),
        total_minor bigint not null check (total_minor >= 0),
        purchase_list_hash text not null,
        last_seq bigint not null check (last_seq >= 0),
        last_voucher_jws text,
        received_at timestamptz not null,
        primary key (transaction_id, side)
      )`.execute(db);
    await sql`
      create table mta_clearings (
        transaction_id text primary key references mta_transactions (id),
        outcome text not null,
        reason text not null,
        voucher_seq bigint not null check (voucher_seq >= 0),
        cleared_merchant_minor bigint not null check (cleared_merchant_minor >= 0),
        cleared_customer_minor bigint not null check (cleared_customer_minor >= 0),
        released_customer_minor bigint not null check (released_customer_minor >= 0),
        body text not null,
        cleared_at timestamptz not null
      )`.execute(db);
    await sql`
      create table mta_outbox (
        transaction_id text primary key references mta_clearings (transaction_id),
        am_operator_id text not null,
        attempts integer not null default 0 check (attempts >= 0),
        next_attempt_at timestamptz not null,
        delivered_at timestamptz,
        last_error text,
        last_jws text
      )`.execute(db);
    await sql`create index mta_outbox_due on mta_outbox (next_attempt_at) where delivered_at is null`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table mta_outbox`.execute(db);
    await sql`drop table mta_clearings`.execute(db);
    await sql`drop table mta_records`.execute(db);
    await sql`drop table mta_transactions`.execute(db);
  },
};
