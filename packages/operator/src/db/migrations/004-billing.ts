import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Billing records (seed: the AM forwards withdrawal and deposit records to
 * external billing systems). One per transaction and side, written in the
 * same database transaction as the money it describes.
 */
export const billing004: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table billing_records (
        transaction_id text not null,
        kind text not null check (kind in ('withdrawal', 'deposit')),
        party_id text not null references parties (id),
        amount_minor bigint not null check (amount_minor >= 0),
        currency char(3) not null,
        rate_base char(3) not null,
        rate_quote char(3) not null,
        rate_numerator bigint not null check (rate_numerator > 0),
        rate_denominator bigint not null check (rate_denominator > 0),
        fee_minor bigint not null default 0 check (fee_minor >= 0 and fee_minor <= amount_minor),
        created_at timestamptz not null default now(),
        primary key (transaction_id, kind)
      )`.execute(db);
    await sql`create index billing_records_party on billing_records (party_id, created_at)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table billing_records`.execute(db);
  },
};
