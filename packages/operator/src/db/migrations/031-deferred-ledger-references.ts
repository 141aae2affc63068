import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The AM's references to its ledger transfers are checked at commit, not per
 * statement. The ledger write locks the hot interop account until commit; with
 * immediate checks the transaction or clearing row could only be inserted
 * after it, holding that lock one round trip longer for every hold and every
 * clearing. Deferred, the row goes in first and the ledger write is the last
 * statement before COMMIT. The reference is still enforced: a commit naming a
 * transfer that does not exist fails whole.
 */
export const deferredLedgerReferences031: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table am_transactions alter constraint am_transactions_hold_id_fkey
      deferrable initially deferred`.execute(db);
    await sql`alter table am_clearings alter constraint am_clearings_ledger_transfer_id_fkey
      deferrable initially deferred`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table am_clearings alter constraint am_clearings_ledger_transfer_id_fkey
      not deferrable`.execute(db);
    await sql`alter table am_transactions alter constraint am_transactions_hold_id_fkey
      not deferrable`.execute(db);
  },
};
