import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Merchant-initiated purchases (seed 000, DESIGN §9): the aliases customers
 * give merchants, the signed requests and their signed answers, and the
 * webhook outbox written in the same transaction as the transfer.
 */
export const purchaseRequests011: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table customer_aliases (
        alias text primary key,
        customer_id text not null references parties (id),
        pseudonym text not null unique,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table purchase_requests (
        id text primary key,
        merchant_id text not null references parties (id),
        merchant_request_id text not null,
        customer_id text not null references parties (id),
        customer_ref text not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null,
        description text not null,
        items text not null,
        items_hash text not null,
        body_sha256 text not null,
        expires_at timestamptz not null,
        status text not null check (status in ('pending', 'affirmed', 'declined')),
        request_jws text not null,
        answer_jws text,
        answer_method text,
        transfer_id text,
        fee_minor bigint,
        answered_at timestamptz,
        created_at timestamptz not null default now(),
        unique (merchant_id, merchant_request_id)
      )`.execute(db);
    await sql`create index purchase_requests_customer on purchase_requests (customer_id, status)`.execute(db);
    await sql`
      create table webhook_outbox (
        id text primary key,
        merchant_id text not null references parties (id),
        url text not null,
        event_type text not null,
        payload text not null,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        delivered_at timestamptz,
        failed_at timestamptz,
        last_error text,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index webhook_outbox_due on webhook_outbox (next_attempt_at) where delivered_at is null and failed_at is null`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table webhook_outbox`.execute(db);
    await sql`drop table purchase_requests`.execute(db);
    await sql`drop table customer_aliases`.execute(db);
  },
};
