import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.ts';
import type { LedgerService } from '../../ledger/model.ts';
import { interopAccountId } from '../../mta/model.ts';
import { findPartyById } from '../../parties/repository.ts';

/**
 * Customer's operator: the merchant's operator refused an affirmed answer for
 * good (a 4xx: it booked nothing). The customer's debit is undone, out of the
 * interop account it went into, and the request marked `reversed`, in one
 * transaction with the outbox row's failure, so settlement never counts it.
 */
export async function reverseRefusedAffirmation(
  deps: { db: Kysely<Schema>; ledger: LedgerService; operatorId: string; clock: () => Date },
  outboxId: string,
  requestId: string,
  lastError: string,
): Promise<void> {
  const peek = await deps.db
    .selectFrom('purchase_requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirst();
  const customer = peek?.customer_id ? await findPartyById(deps.db, peek.customer_id) : undefined;
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('purchase_requests')
      .selectAll()
      .where('id', '=', requestId)
      .forUpdate()
      .executeTakeFirst();
    const now = deps.clock();
    await trx
      .updateTable('rtp_peer_outbox')
      .set({ failed_at: now, last_error: lastError })
      .where('id', '=', outboxId)
      .execute();
    if (row?.status !== 'affirmed' || row.merchant_operator_id === null) return;
    if (!customer || row.charge_minor === null || row.charge_currency === null)
      throw new Error(`assertion: cannot reverse ${requestId}`);
    const results = await deps.ledger.createTransfers(
      [
        {
          id: `rtp:${requestId}:reversal`,
          kind: 'single',
          debitAccountId: interopAccountId(deps.operatorId, row.merchant_operator_id, row.charge_currency),
          creditAccountId: customer.accountId,
          amountMinor: BigInt(row.charge_minor),
          currency: row.charge_currency,
          userData: requestId,
        },
      ],
      { executor: trx },
    );
    const failed = typeof results === 'string' ? results : results.find((r) => !r.ok);
    if (failed) throw new Error(`assertion: reversing ${requestId} failed: ${JSON.stringify(failed)}`);
    await trx
      .updateTable('purchase_requests')
      .set({ status: 'reversed' })
      .where('id', '=', requestId)
      .execute();
  });
}
