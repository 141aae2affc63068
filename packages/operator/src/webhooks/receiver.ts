import { JwsVerifyError, type KeyResolver, verifyMessage } from '@tallystick/protocol';
import { WEBHOOK_MESSAGE_TYPE } from './worker.ts';

export interface WebhookEnvelope {
  readonly id: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The merchant's side, for merchants and tests: verify the operator's
 * signature, then apply each webhook id at most once. `applyOnce` must record
 * the id and the effect atomically (one database transaction) and return
 * false when the id was already applied; this helper only orders the steps.
 */
export async function receiveWebhook(
  jws: string,
  options: {
    readonly merchantId: string;
    readonly resolveKey: KeyResolver;
    readonly applyOnce: (event: WebhookEnvelope) => Promise<boolean>;
    readonly nowMs?: number;
  },
): Promise<{ readonly status: 200 | 401; readonly duplicate?: boolean }> {
  let body: unknown;
  try {
    ({ body } = await verifyMessage(jws, {
      expectedType: WEBHOOK_MESSAGE_TYPE,
      audience: options.merchantId,
      resolveKey: options.resolveKey,
      ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
    }));
  } catch (error) {
    if (error instanceof JwsVerifyError) return { status: 401 };
    throw error;
  }
  const applied = await options.applyOnce(body as WebhookEnvelope);
  return { status: 200, duplicate: !applied };
}
