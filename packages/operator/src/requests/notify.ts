import type { Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { WebhookEvent } from '../webhooks/outbox.ts';

type Row = Selectable<Schema['purchase_requests']>;

/**
 * What the merchant is told of the customer's answer, the same whether she is
 * at this operator or another: declined, or paid with what it was credited.
 * The event id is the dedupe id, one per request and outcome.
 */
export function answerWebhook(
  row: Row,
  url: string,
  paid: { readonly feeMinor: bigint; readonly affirmedAt: Date } | null,
): WebhookEvent {
  const common = { requestId: row.id, merchantRequestId: row.merchant_request_id };
  if (paid === null)
    return {
      id: `${row.id}.declined`,
      merchantId: row.merchant_id,
      url,
      type: 'purchase_request.declined',
      data: common,
    };
  return {
    id: `${row.id}.paid`,
    merchantId: row.merchant_id,
    url,
    type: 'purchase_request.paid',
    data: {
      ...common,
      transferId: `rtp:${row.id}`,
      amountMinor: row.amount_minor.toString(),
      feeMinor: paid.feeMinor.toString(),
      creditedMinor: (row.amount_minor - paid.feeMinor).toString(),
      currency: row.currency,
      itemsHash: row.items_hash,
      affirmedAt: paid.affirmedAt.toISOString(),
      // Across operators: what she paid in her currency, and where.
      ...(row.customer_operator_id !== null
        ? {
            customerOperatorId: row.customer_operator_id,
            chargeMinor: row.charge_minor?.toString(),
            chargeCurrency: row.charge_currency,
          }
        : {}),
    },
  };
}
