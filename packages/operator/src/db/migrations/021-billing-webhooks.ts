import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The billing webhook's transactional outbox: one row per billing record,
 * written in the record's own transaction, keyed by the dedupe id
 * `billing.<transactionId>.<kind>`. Apart from webhook_outbox because its
 * receiver is the operator's billing system, not a party.
 */
export const billingWebhooks021: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table billing_webhook_outbox (
        id text primary key,
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
    await sql`create index billing_webhook_outbox_due on billing_webhook_outbox (next_attempt_at) where delivered_at is null and failed_at is null`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table billing_webhook_outbox`.execute(db);
  },
};
