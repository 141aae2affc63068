import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The software PSD (DESIGN §11): keys sealed under the PSD's master key
 * (which is not in the database), and value registers whose every change is
 * a chained, signed entry so a gap or a replay shows.
 */
export const psd010: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table psd_keys (
        psd_id text not null,
        label text not null,
        kind text not null check (kind in ('sign', 'exchange', 'kek')),
        kid text not null,
        alg text not null,
        public_jwk text,
        sealed_secret text not null,
        created_at timestamptz not null default now(),
        primary key (psd_id, label)
      )`.execute(db);
    await sql`
      create table psd_registers (
        psd_id text not null,
        register text not null,
        seq bigint not null,
        ascending_minor bigint not null check (ascending_minor >= 0),
        descending_minor bigint not null check (descending_minor >= 0),
        piece_count bigint not null check (piece_count >= 0),
        control_sum_minor bigint not null,
        hash text not null,
        primary key (psd_id, register),
        check (ascending_minor + descending_minor = control_sum_minor)
      )`.execute(db);
    await sql`
      create table psd_register_entries (
        psd_id text not null,
        register text not null,
        seq bigint not null,
        op text not null check (op in ('credit', 'debit')),
        amount_minor bigint not null check (amount_minor > 0),
        ascending_minor bigint not null,
        descending_minor bigint not null,
        piece_count bigint not null,
        control_sum_minor bigint not null,
        ref text not null,
        prev_hash text not null,
        hash text not null,
        signature text not null,
        kid text not null,
        created_at timestamptz not null default now(),
        primary key (psd_id, register, seq)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table psd_register_entries`.execute(db);
    await sql`drop table psd_registers`.execute(db);
    await sql`drop table psd_keys`.execute(db);
  },
};
