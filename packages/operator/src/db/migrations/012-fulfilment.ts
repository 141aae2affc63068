import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** What the customer receives for an affirmed purchase: shipments, tickets, indicia, certificates. */
export const fulfilment012: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table fulfilment_items (
        id text primary key,
        request_id text not null references purchase_requests (id),
        merchant_id text not null references parties (id),
        customer_id text not null references parties (id),
        kind text not null check (kind in ('shipment', 'ticket', 'indicium', 'certificate')),
        status text not null,
        data text not null,
        indicium text,
        indicium_text text,
        checked_in_at timestamptz,
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index fulfilment_items_request on fulfilment_items (request_id)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop table fulfilment_items`.execute(db);
  },
};
