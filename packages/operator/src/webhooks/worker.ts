import type { CoseSigner } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { signMessageWithPsd } from '../psd/jws.ts';
import { createOutboxDispatcher, type WebhookDispatcher, type WebhookFetch } from './outbox-dispatcher.ts';
import { checkWebhookTarget, type HostResolver, resolveHost } from './target.ts';

export const WEBHOOK_MESSAGE_TYPE = 'tally.webhook';

export interface WebhookDispatcherDeps {
  readonly db: Kysely<Schema>;
  readonly operatorId: string;
  readonly signer: () => Promise<CoseSigner>;
  readonly clock: () => Date;
  /** Development only: lets webhooks reach loopback and private addresses. */
  readonly allowPrivateTargets: boolean;
  readonly fetch?: WebhookFetch;
  readonly resolve?: HostResolver;
}

/**
 * The merchant webhooks' sender: merchants register their own URLs, so each
 * target is checked (SSRF) before every attempt; signed in the PSD for the
 * merchant as audience. Retries and backoff are the shared outbox rules.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const resolve = deps.resolve ?? resolveHost;
  return createOutboxDispatcher(
    {
      table: 'webhook_outbox',
      refuseTarget: async (row) => {
        const target = await checkWebhookTarget(row.url, { allowPrivate: deps.allowPrivateTargets, resolve });
        return target === 'ok' ? undefined : target;
      },
      sign: async (row, body, now) =>
        signMessageWithPsd(await deps.signer(), {
          mty: WEBHOOK_MESSAGE_TYPE,
          iss: deps.operatorId,
          aud: row.merchant_id,
          jti: row.id,
          nowMs: now.getTime(),
          body,
        }),
    },
    deps,
  );
}
