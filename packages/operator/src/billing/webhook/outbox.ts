import { stringifyWire } from '@tallystick/protocol';
import type { LedgerExecutor } from '../../ledger/model.ts';
import type { BillingRecordInput } from '../model.ts';

export const BILLING_WEBHOOK_EVENT_TYPE = 'billing.record';

/** Where the operator's billing system takes records; configured by the operator, so trusted (no SSRF check). */
export interface BillingWebhookTarget {
  readonly url: string;
  /** The billing system's id: the `aud` of every signed delivery. */
  readonly audience: string;
}

/** The dedupe id: one per billing record, however often it is delivered. */
export function billingWebhookId(input: Pick<BillingRecordInput, 'transactionId' | 'kind'>): string {
  return `billing.${input.transactionId}.${input.kind}`;
}

/** Written in the billing record's transaction: the webhook exists if and only if the record does. */
export async function enqueueBillingWebhook(
  executor: LedgerExecutor,
  target: BillingWebhookTarget,
  input: BillingRecordInput,
  now: Date,
): Promise<void> {
  await executor
    .insertInto('billing_webhook_outbox')
    .values({
      id: billingWebhookId(input),
      url: target.url,
      event_type: BILLING_WEBHOOK_EVENT_TYPE,
      payload: stringifyWire({ ...input, createdAt: now.toISOString() }),
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
