import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The operator's own signing keys (DESIGN §6). The private JWK sits here until
 * the PSD interface (DESIGN §11) takes custody of it.
 */
export const operatorKeys003: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table operator_keys (
        kid text primary key,
        operator_id text not null,
        alg text not null check (alg in ('ES256', 'EdDSA')),
        private_jwk text not null,
        public_jwk text not null,
        active boolean not null default true,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create unique index operator_keys_one_active on operator_keys (operator_id) where active`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table operator_keys`.execute(db);
  },
};
