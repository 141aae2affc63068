import type { CoseSigner } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { signMessageWithPsd } from '../psd/jws.ts';
import { checkWebhookTarget, type HostResolver, resolveHost } from './target.ts';

export const WEBHOOK_MESSAGE_TYPE = 'tally.webhook';
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

export interface WebhookDispatcher {
  /** Delivers what is due now; returns how many were delivered. */
  deliverDue(limit?: number): Promise<number>;
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempts: number): number {
  const ceiling = Math.min(WEBHOOK_BACKOFF_MS_MAX, WEBHOOK_BACKOFF_MS_BASE * 2 ** Math.min(attempts, 30));
  return Math.floor(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * The outbox's sender. Each row is one event with a stable id (the dedupe
 * id the merchant keys its effect on); a signed JWS in the body, retried with
 * backoff until a 2xx, at most WEBHOOK_ATTEMPTS_MAX times.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const send: WebhookFetch = deps.fetch ?? ((url, init) => fetch(url, { ...init, redirect: 'manual' }));
  const resolve = deps.resolve ?? resolveHost;
  return {
    async deliverDue(limit = WEBHOOK_BATCH_MAX) {
      const now = deps.clock();
      const due = await deps.db
        .selectFrom('webhook_outbox')
        .selectAll()
        .where('delivered_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(Math.min(limit, WEBHOOK_BATCH_MAX))
        .execute();
      let delivered = 0;
      for (const row of due) {
        const target = await checkWebhookTarget(row.url, { allowPrivate: deps.allowPrivateTargets, resolve });
        let error: string | undefined = target === 'ok' ? undefined : target;
        if (!error) {
          const jws = await signMessageWithPsd(await deps.signer(), {
            mty: WEBHOOK_MESSAGE_TYPE,
            iss: deps.operatorId,
            aud: row.merchant_id,
            jti: row.id,
            nowMs: now.getTime(),
            body: { id: row.id, type: row.event_type, data: JSON.parse(row.payload) as unknown },
          });
          error = await postWebhook(send, row.url, row.id, jws);
        }
        const attempts = row.attempts + 1;
        const permanent = error?.startsWith('webhook_target') || attempts >= WEBHOOK_ATTEMPTS_MAX;
        await deps.db
          .updateTable('webhook_outbox')
          .set(
            error === undefined
              ? { attempts, delivered_at: deps.clock(), last_error: null }
              : permanent
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

/** One delivery attempt: undefined on a 2xx, else why not (shared with billing/webhook). */
export async function postWebhook(
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
