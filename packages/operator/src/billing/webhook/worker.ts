import { type SigningKey, signMessage } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.ts';
import {
  backoffMs,
  postWebhook,
  WEBHOOK_ATTEMPTS_MAX,
  WEBHOOK_BATCH_MAX,
  type WebhookDispatcher,
  type WebhookFetch,
} from '../../webhooks/worker.ts';
import type { BillingWebhookTarget } from './outbox.ts';

export const BILLING_WEBHOOK_MESSAGE_TYPE = 'tally.billing_webhook';

export interface BillingWebhookDeps {
  readonly db: Kysely<Schema>;
  readonly operatorId: string;
  /** The operator key: the billing system verifies deliveries under the operator document. */
  readonly key: SigningKey;
  readonly target: BillingWebhookTarget;
  readonly clock: () => Date;
  readonly fetch?: WebhookFetch;
}

/**
 * The billing outbox's sender, on the merchant webhooks' rules (webhooks/worker.ts):
 * a JWS `{ id, type, data }` with the dedupe id as `jti` and header, retried
 * with the same backoff until a 2xx, at most WEBHOOK_ATTEMPTS_MAX times.
 * Runs in `startWebhookLoop` like the merchant dispatcher.
 */
export function createBillingWebhookDispatcher(deps: BillingWebhookDeps): WebhookDispatcher {
  const send: WebhookFetch = deps.fetch ?? ((url, init) => fetch(url, { ...init, redirect: 'manual' }));
  return {
    async deliverDue(limit = WEBHOOK_BATCH_MAX) {
      const now = deps.clock();
      const due = await deps.db
        .selectFrom('billing_webhook_outbox')
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(Math.min(limit, WEBHOOK_BATCH_MAX))
        .execute();
      let delivered = 0;
      for (const row of due) {
        const jws = await signMessage(deps.key, {
          mty: BILLING_WEBHOOK_MESSAGE_TYPE,
          iss: deps.operatorId,
          aud: deps.target.audience,
          jti: row.id,
          nowMs: now.getTime(),
          body: { id: row.id, type: row.event_type, data: JSON.parse(row.payload) as unknown },
        });
        const error = await postWebhook(send, row.url, row.id, jws);
        const attempts = row.attempts + 1;
        await deps.db
          .updateTable('billing_webhook_outbox')
          .set(
            error === undefined
              ? { attempts, delivered_at: deps.clock(), last_error: null }
              : attempts >= WEBHOOK_ATTEMPTS_MAX
                ? { attempts, failed_at: deps.clock(), last_error: error }
                : {
                    attempts,
                    last_error: error,
                    next_attempt_at: new Date(now.getTime() + backoffMs(attempts)),
                  },
          )
          .where('id', '=', row.id)
          .execute();
        if (error === undefined) delivered++;
      }
      return delivered;
    },
  };
}
