import { type ClearingBody, signClearing } from '@tallystick/protocol';
import {
  findClearing,
  findDueDeliveries,
  markAttemptFailed,
  markDelivered,
  type OutboxEntry,
} from './clearing-store.ts';
import type { MtaContext } from './deps.ts';
import { DELIVERY_BACKOFF_MS_BASE, DELIVERY_BACKOFF_MS_MAX } from './model.ts';
import type { CommittedClearing } from './timer.ts';

/**
 * Delivers one queued clearing to the customer's AM: signed afresh for each
 * attempt (a JWS is only fresh for minutes, a retry may come much later), the
 * body as stored. Acknowledged -> delivered; otherwise the next attempt is
 * scheduled with exponential backoff. The AM applies a clearing once however
 * often it arrives, so two deliveries racing are harmless.
 */
export async function deliver(ctx: MtaContext, entry: OutboxEntry, stored?: ClearingBody): Promise<boolean> {
  const body = stored ?? (await findClearing(ctx.db.kysely, entry.transactionId))?.body;
  if (!body) throw new Error(`assertion: outbox entry ${entry.transactionId} without a clearing`);
  const now = ctx.clock();
  const jws = await signClearing(
    ctx.key,
    { iss: ctx.operatorId, aud: entry.amOperatorId, nowMs: now.getTime() },
    body,
  );
  const result = await ctx.am.deliverClearing(entry.amOperatorId, jws).catch((error: unknown) => ({
    ok: false as const,
    status: 0,
    code: 'delivery_failed',
    message: (error as Error).message,
  }));
  if (result.ok) {
    await markDelivered(ctx.db.kysely, entry.transactionId, jws, ctx.clock());
    return true;
  }
  const retryAt = new Date(ctx.clock().getTime() + backoffMs(entry.attempts + 1));
  await markAttemptFailed(ctx.db.kysely, entry, `${result.code}: ${result.message}`, retryAt);
  ctx.log?.warn(
    {
      transactionId: entry.transactionId,
      amOperatorId: entry.amOperatorId,
      code: result.code,
      attempt: entry.attempts + 1,
    },
    'clearing delivery failed; will retry',
  );
  return false;
}

/**
 * Right after this node committed the clearing `body` and its outbox entry
 * (attempts 0): one attempt with what is in hand, no reading back. Should the
 * worker have delivered it meanwhile, the AM applies it once all the same and
 * `markDelivered` changes nothing.
 */
export async function deliverCommitted(ctx: MtaContext, cleared: CommittedClearing): Promise<void> {
  const { body, amOperatorId } = cleared;
  await deliver(ctx, { transactionId: body.transactionId, amOperatorId, attempts: 0 }, body);
}

/** The worker's pass: at most `limit` due deliveries, one after another. Returns how many were acknowledged. */
export async function deliverDue(ctx: MtaContext, limit: number): Promise<number> {
  const entries = await findDueDeliveries(ctx.db.kysely, ctx.clock(), limit);
  let delivered = 0;
  for (const entry of entries) {
    if (await deliver(ctx, entry)) delivered++;
  }
  return delivered;
}

export function backoffMs(attempt: number): number {
  return Math.min(DELIVERY_BACKOFF_MS_MAX, DELIVERY_BACKOFF_MS_BASE * 2 ** Math.min(attempt - 1, 30));
}
