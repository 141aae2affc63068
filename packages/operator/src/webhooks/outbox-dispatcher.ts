import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';

export const WEBHOOK_ATTEMPTS_MAX = 12;
export const WEBHOOK_BACKOFF_MS_BASE = 1_000;
export const WEBHOOK_BACKOFF_MS_MAX = 3_600_000;
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_BATCH_MAX = 50;
export const WEBHOOK_ID_HEADER = 'tally-webhook-id';

export type WebhookFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number }>;

export interface WebhookDispatcher {
  /** Delivers what is due now; returns how many were delivered. */
  deliverDue(limit?: number): Promise<number>;
}

/** The outboxes that share these delivery rules (same columns; the merchant one adds `merchant_id`). */
export type WebhookOutboxName = 'webhook_outbox' | 'billing_webhook_outbox';

/** A row of outbox T; the shared columns spelled out because TypeScript cannot see them through a generic T. */
export type WebhookOutboxRow<T extends WebhookOutboxName> = Selectable<Schema[T]> &
  Selectable<Schema['billing_webhook_outbox']>;

/** What differs between outboxes: the table, who may be reached, and how a row is signed. */
export interface WebhookOutbox<T extends WebhookOutboxName> {
  readonly table: T;
  /** A reason the row's target must never be tried (a permanent failure), or undefined to send. */
  readonly refuseTarget?: (row: WebhookOutboxRow<T>) => Promise<string | undefined>;
  /** The signed JWS of the event `{ id, type, data }`, with the row id as `jti`. */
  readonly sign: (row: WebhookOutboxRow<T>, body: WebhookBody, now: Date) => Promise<string>;
}

export interface WebhookBody {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

export interface OutboxDispatcherDeps {
  readonly db: Kysely<Schema>;
  readonly clock: () => Date;
  readonly fetch?: WebhookFetch;
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempts: number): number {
  const ceiling = Math.min(WEBHOOK_BACKOFF_MS_MAX, WEBHOOK_BACKOFF_MS_BASE * 2 ** Math.min(attempts, 30));
  return Math.floor(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * The one sender for every webhook outbox: each row is one event with a
 * stable id (the dedupe id the receiver keys its effect on), POSTed as a JWS
 * with the id in a header, retried with backoff until a 2xx, at most
 * WEBHOOK_ATTEMPTS_MAX times; a refused target fails at once.
 */
export function createOutboxDispatcher<T extends WebhookOutboxName>(
  outbox: WebhookOutbox<T>,
  deps: OutboxDispatcherDeps,
): WebhookDispatcher {
  const send: WebhookFetch = deps.fetch ?? ((url, init) => fetch(url, { ...init, redirect: 'manual' }));
  // Kysely cannot type a query on a table named by a type parameter, but can on the
  // union of outboxes; the rows read back are T's (cast below).
  const table: WebhookOutboxName = outbox.table;
  const attempt = async (row: WebhookOutboxRow<T>, now: Date): Promise<AttemptResult> => {
    const refused = await outbox.refuseTarget?.(row);
    if (refused !== undefined) return { error: refused, permanent: true };
    const body = { id: row.id, type: row.event_type, data: JSON.parse(row.payload) as unknown };
    const error = await postWebhook(send, row.url, row.id, await outbox.sign(row, body, now));
    return { error, permanent: false };
  };
  return {
    async deliverDue(limit = WEBHOOK_BATCH_MAX) {
      const now = deps.clock();
      const due = (await deps.db
        .selectFrom(table)
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(Math.min(limit, WEBHOOK_BATCH_MAX))
        .execute()) as WebhookOutboxRow<T>[];
      let delivered = 0;
      for (const row of due) {
        const result = await attempt(row, now);
        await deps.db
          .updateTable(table)
          .set(attemptUpdate(row.attempts + 1, result, now, deps.clock))
          .where('id', '=', row.id)
          .execute();
        if (result.error === undefined) delivered++;
      }
      return delivered;
    },
  };
}

interface AttemptResult {
  readonly error: string | undefined;
  readonly permanent: boolean;
}

/** The columns an attempt sets: delivered, failed for good, or due again after the backoff. */
function attemptUpdate(attempts: number, result: AttemptResult, now: Date, clock: () => Date) {
  const { error } = result;
  if (error === undefined) return { attempts, delivered_at: clock(), last_error: null };
  if (result.permanent || attempts >= WEBHOOK_ATTEMPTS_MAX)
    return { attempts, failed_at: clock(), last_error: error };
  return { attempts, last_error: error, next_attempt_at: new Date(now.getTime() + backoffMs(attempts)) };
}

/** One delivery attempt: undefined on a 2xx, else why not. */
async function postWebhook(
  send: WebhookFetch,
  url: string,
  id: string,
  jws: string,
): Promise<string | undefined> {
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/jose', [WEBHOOK_ID_HEADER]: id },
      body: jws,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    return response.status >= 200 && response.status < 300 ? undefined : `http_${response.status}`;
  } catch (error) {
    return `network: ${(error as Error).name}`;
  }
}
