import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Funding instruments (seed 000 claim 1): envelope-encrypted, one data key
 * per record wrapped by the PSD's key-encryption key; only the mask is clear.
 */
export const fundingInstruments013: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table funding_instruments (
        id text primary key,
        party_id text not null references parties (id),
        kind text not null check (kind in ('card', 'iban')),
        masked text not null,
        kek_label text not null,
        wrapped_key text not null,
        ciphertext text not null,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index funding_instruments_party on funding_instruments (party_id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table funding_instruments`.execute(db);
  },
};
