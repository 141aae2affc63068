import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

export interface WebhookEvent {
  /** The dedupe id: the merchant applies each id once, however often it arrives. */
  readonly id: string;
  readonly merchantId: string;
  readonly url: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Written in the caller's transaction: the webhook exists if and only if what it reports happened. */
export async function enqueueWebhook(trx: Kysely<Schema>, event: WebhookEvent, now: Date): Promise<void> {
  await trx
    .insertInto('webhook_outbox')
    .values({
      id: event.id,
      merchant_id: event.merchantId,
      url: event.url,
      event_type: event.type,
      payload: JSON.stringify(event.data),
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
