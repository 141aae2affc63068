import { type SigningKey, signMessage } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../../db/schema.ts';
import {
  createOutboxDispatcher,
  type WebhookDispatcher,
  type WebhookFetch,
} from '../../webhooks/outbox-dispatcher.ts';
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
 * The billing outbox's sender, on the shared outbox rules (webhooks/outbox-dispatcher.ts).
 * The target is the operator's own configuration, so it is not SSRF-checked.
 * Runs in `startWebhookLoop` like the merchant dispatcher.
 */
export function createBillingWebhookDispatcher(deps: BillingWebhookDeps): WebhookDispatcher {
  return createOutboxDispatcher(
    {
      table: 'billing_webhook_outbox',
      sign: (row, body, now) =>
        signMessage(deps.key, {
          mty: BILLING_WEBHOOK_MESSAGE_TYPE,
          iss: deps.operatorId,
          aud: deps.target.audience,
          jti: row.id,
          nowMs: now.getTime(),
          body,
        }),
    },
    deps,
  );
}
