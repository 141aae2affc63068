import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Customers and merchants of this operator (DESIGN §1: the AM role's own
 * parties). Money never lives here: each party owns one ledger account; the
 * credit limit is ledger money too, and `credit_limit_changes` makes a limit
 * change idempotent by the caller's request id. `jws_replay` remembers signed
 * message ids in the database so every node process sharing it refuses a replay.
 */
export const parties002: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table parties (
        id text primary key,
        kind text not null check (kind in ('customer', 'merchant')),
        display_name text not null,
        account_id text not null unique references ledger_accounts (id),
        currency char(3) not null,
        endpoint_url text,
        credit_limit_minor bigint not null default 0 check (credit_limit_minor >= 0),
        api_key_sha256 text not null,
        created_at timestamptz not null default now(),
        check ((kind = 'merchant') = (endpoint_url is not null)),
        check (kind = 'customer' or credit_limit_minor = 0)
      )`.execute(db);
    await sql`
      create table party_keys (
        kid text primary key,
        party_id text not null references parties (id),
        alg text not null check (alg in ('ES256', 'EdDSA')),
        public_jwk text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index party_keys_party on party_keys (party_id)`.execute(db);
    await sql`
      create table credit_limit_changes (
        customer_id text not null references parties (id),
        request_id text not null,
        credit_limit_minor bigint not null check (credit_limit_minor >= 0),
        previous_credit_limit_minor bigint not null,
        transfer_id text references ledger_transfers (id),
        created_at timestamptz not null default now(),
        primary key (customer_id, request_id)
      )`.execute(db);
    await sql`
      create table jws_replay (
        issuer text not null,
        jti text not null,
        expires_at timestamptz not null,
        primary key (issuer, jti)
      )`.execute(db);
    await sql`create index jws_replay_expiry on jws_replay (expires_at)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table jws_replay`.execute(db);
    await sql`drop table credit_limit_changes`.execute(db);
    await sql`drop table party_keys`.execute(db);
    await sql`drop table parties`.execute(db);
  },
};
