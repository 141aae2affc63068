import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Fulfilment for a customer at another operator (seed 000, DESIGN §9). The
 * merchant's operator issues the items, so they name a customer who is no
 * party here: the pseudonym her operator relayed with her answer (never her
 * id) and that operator's id. A local customer keeps her party id; exactly
 * one of the two ways of naming her is set.
 */
export const rtpCrossFulfilment033: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table purchase_requests add column customer_pseudonym text`.execute(db);
    await sql`alter table fulfilment_items alter column customer_id drop not null`.execute(db);
    await sql`alter table fulfilment_items add column customer_operator_id text`.execute(db);
    await sql`alter table fulfilment_items add constraint fulfilment_items_customer check (
        (customer_id is null) <> (customer_operator_id is null)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`delete from fulfilment_items where customer_id is null`.execute(db);
    await sql`alter table fulfilment_items drop constraint fulfilment_items_customer`.execute(db);
    await sql`alter table fulfilment_items drop column customer_operator_id`.execute(db);
    await sql`alter table fulfilment_items alter column customer_id set not null`.execute(db);
    await sql`alter table purchase_requests drop column customer_pseudonym`.execute(db);
  },
};
