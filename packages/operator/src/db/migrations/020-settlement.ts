import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Settlement between operators (DESIGN §3 conclusion, §4). A batch nets the
 * clearings of one peer and currency up to a cut-off; each clearing becomes
 * one item row, keyed by its transaction, so no clearing is ever batched
 * twice. Both sides keep a batch: the initiator's and the responder's copy of
 * the same id, each with the net in its own view (+ = the peer owes us).
 * At most one unsettled batch per peer and currency is open on the initiating side.
 */
export const settlement020: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table settlement_batches (
        id text primary key,
        role text not null check (role in ('initiator', 'responder')),
        peer_operator_id text not null,
        currency char(3) not null,
        cut_off timestamptz not null,
        status text not null check (status in ('prepared', 'sent', 'acknowledged', 'settled')),
        net_minor bigint not null,
        item_count integer not null check (item_count >= 0),
        statement_jws text,
        acknowledgement_jws text,
        ledger_transfer_id text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null
      )`.execute(db);
    await sql`
      create unique index settlement_batches_open on settlement_batches (peer_operator_id, currency)
      where role = 'initiator' and status <> 'settled'`.execute(db);
    await sql`
      create table settlement_items (
        transaction_id text primary key,
        batch_id text not null references settlement_batches (id),
        amount_minor bigint not null,
        cleared_at timestamptz not null
      )`.execute(db);
    await sql`create index settlement_items_batch on settlement_items (batch_id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table settlement_items`.execute(db);
    await sql`drop table settlement_batches`.execute(db);
  },
};
