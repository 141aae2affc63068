import { type ClearingBody, ClearingMessage, decodeBody, encodeBody } from '@tallystick/protocol';
import type { MtaClearing } from './model.ts';
import type { Executor } from './repository.ts';

/** The clearing of one session and its place in the delivery outbox, written in one go. */
export async function insertClearing(
  db: Executor,
  body: ClearingBody,
  amOperatorId: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('mta_clearings')
    .values({
      transaction_id: body.transactionId,
      outcome: body.outcome,
      reason: body.reason,
      voucher_seq: BigInt(body.voucherSeq),
      cleared_merchant_minor: body.clearedMerchantMinor,
      cleared_customer_minor: body.clearedCustomerMinor,
      released_customer_minor: body.releasedCustomerMinor,
      body: JSON.stringify(encodeBody(ClearingMessage, body)),
      cleared_at: now,
    })
    .execute();
  await db
    .insertInto('mta_outbox')
    .values({ transaction_id: body.transactionId, am_operator_id: amOperatorId, next_attempt_at: now })
    .execute();
}

export async function findClearing(db: Executor, transactionId: string): Promise<MtaClearing | undefined> {
  const row = await db
    .selectFrom('mta_clearings')
    .select(['body', 'cleared_at'])
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
  return row && { body: decodeBody(ClearingMessage, JSON.parse(row.body)), clearedAt: row.cleared_at };
}

export interface OutboxEntry {
  readonly transactionId: string;
  readonly amOperatorId: string;
  readonly attempts: number;
}

/** Undelivered clearings whose next attempt is due, oldest first. */
export async function findDueDeliveries(db: Executor, now: Date, limit: number): Promise<OutboxEntry[]> {
  const rows = await db
    .selectFrom('mta_outbox')
    .select(['transaction_id', 'am_operator_id', 'attempts'])
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    transactionId: row.transaction_id,
    amOperatorId: row.am_operator_id,
    attempts: row.attempts,
  }));
}

export async function markDelivered(
  db: Executor,
  transactionId: string,
  jws: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('mta_outbox')
    .set((eb) => ({ delivered_at: now, last_jws: jws, last_error: null, attempts: eb('attempts', '+', 1) }))
    .where('transaction_id', '=', transactionId)
    .where('delivered_at', 'is', null)
    .execute();
}

export async function markAttemptFailed(
  db: Executor,
  entry: OutboxEntry,
  error: string,
  nextAttemptAt: Date,
): Promise<void> {
  await db
    .updateTable('mta_outbox')
    .set({ attempts: entry.attempts + 1, last_error: error.slice(0, 500), next_attempt_at: nextAttemptAt })
    .where('transaction_id', '=', entry.transactionId)
    .where('delivered_at', 'is', null)
    .execute();
}
