import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Request-to-pay across operators and passkey affirmation (seed 000, DESIGN §9).
 * A cross-operator request lives at both operators under one id: at the
 * merchant's operator its customer is remote (customer_operator_id set,
 * customer_id null), at the customer's operator its merchant is remote
 * (merchant_operator_id set, merchant_id names a party of the peer). The
 * charge columns hold what the customer pays in her currency and the rate the
 * merchant's operator quoted. Answers travel back through a peer outbox.
 */
export const rtpCrossOperatorPasskeys030: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table purchase_requests alter column customer_id drop not null`.execute(db);
    await sql`alter table purchase_requests drop constraint purchase_requests_merchant_id_fkey`.execute(db);
    // `reversed`: affirmed here, refused for good by the merchant's operator, and the customer refunded.
    await sql`alter table purchase_requests drop constraint purchase_requests_status_check`.execute(db);
    await sql`alter table purchase_requests add constraint purchase_requests_status_check
      check (status in ('pending', 'affirmed', 'declined', 'reversed'))`.execute(db);
    await sql`alter table purchase_requests add column customer_operator_id text`.execute(db);
    await sql`alter table purchase_requests add column merchant_operator_id text`.execute(db);
    await sql`alter table purchase_requests add column charge_minor bigint`.execute(db);
    await sql`alter table purchase_requests add column charge_currency char(3)`.execute(db);
    await sql`alter table purchase_requests add column rate text`.execute(db);
    await sql`alter table purchase_requests add column forward_jws text`.execute(db);
    await sql`
      alter table purchase_requests add constraint purchase_requests_sides check (
        (customer_operator_id is null and merchant_operator_id is null and customer_id is not null)
        or (customer_operator_id is not null and merchant_operator_id is null and customer_id is null
            and charge_minor > 0 and rate is not null)
        or (merchant_operator_id is not null and customer_operator_id is null and customer_id is not null
            and charge_minor > 0 and rate is not null)
      )`.execute(db);
    await sql`
      create table rtp_peer_outbox (
        id text primary key,
        peer_operator_id text not null,
        path text not null,
        jws text not null,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        delivered_at timestamptz,
        failed_at timestamptz,
        last_error text,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index rtp_peer_outbox_due on rtp_peer_outbox (next_attempt_at) where delivered_at is null and failed_at is null`.execute(
      db,
    );
    await sql`
      create table passkey_credentials (
        id text primary key,
        customer_id text not null references parties (id),
        public_key text not null,
        sign_count bigint not null default 0,
        transports text not null default '[]',
        created_at timestamptz not null default now(),
        last_used_at timestamptz
      )`.execute(db);
    await sql`create index passkey_credentials_customer on passkey_credentials (customer_id)`.execute(db);
    await sql`
      create table passkey_challenges (
        challenge text primary key,
        customer_id text not null references parties (id),
        purpose text not null check (purpose in ('register', 'affirm')),
        request_id text,
        decision text check (decision in ('affirm', 'decline')),
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table passkey_challenges`.execute(db);
    await sql`drop table passkey_credentials`.execute(db);
    await sql`drop table rtp_peer_outbox`.execute(db);
    await sql`alter table purchase_requests drop constraint purchase_requests_sides`.execute(db);
    await sql`alter table purchase_requests drop constraint purchase_requests_status_check`.execute(db);
    await sql`alter table purchase_requests add constraint purchase_requests_status_check
      check (status in ('pending', 'affirmed', 'declined'))`.execute(db);
    for (const column of [
      'customer_operator_id',
      'merchant_operator_id',
      'charge_minor',
      'charge_currency',
      'rate',
      'forward_jws',
    ]) {
      await sql`alter table purchase_requests drop column ${sql.ref(column)}`.execute(db);
    }
    await sql`alter table purchase_requests add constraint purchase_requests_merchant_id_fkey foreign key (merchant_id) references parties (id)`.execute(
      db,
    );
    await sql`alter table purchase_requests alter column customer_id set not null`.execute(db);
  },
};
