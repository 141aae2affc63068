import type { Rate } from '@tallystick/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { CrossOperatorSide, PurchaseItem, PurchaseRequest } from './model.ts';

type Row = Selectable<Schema['purchase_requests']>;

export function toRequest(row: Row, now: Date): PurchaseRequest {
  const expired = row.status === 'pending' && row.expires_at.getTime() <= now.getTime();
  return {
    id: row.id,
    merchantId: row.merchant_id,
    merchantRequestId: row.merchant_request_id,
    customerId: row.customer_id,
    customerRef: row.customer_ref,
    amountMinor: row.amount_minor,
    currency: row.currency,
    description: row.description,
    items: JSON.parse(row.items) as PurchaseItem[],
    itemsHash: row.items_hash,
    expiresAt: row.expires_at,
    status: expired ? 'expired' : row.status,
    transferId: row.transfer_id,
    feeMinor: row.fee_minor,
    answeredAt: row.answered_at,
    createdAt: row.created_at,
    cross: crossSideOf(row),
  };
}

function crossSideOf(row: Row): CrossOperatorSide | null {
  const peer = row.customer_operator_id ?? row.merchant_operator_id;
  if (peer === null) return null;
  if (row.charge_minor === null || row.charge_currency === null || row.rate === null)
    throw new Error(`assertion: cross-operator request ${row.id} lacks its charge`);
  return {
    role: row.customer_operator_id !== null ? 'merchant_operator' : 'customer_operator',
    peerOperatorId: peer,
    chargeMinor: BigInt(row.charge_minor),
    chargeCurrency: row.charge_currency,
    rate: rateFromText(row.rate),
    customerPseudonym: row.customer_pseudonym,
  };
}

export function rateToText(rate: Rate): string {
  return JSON.stringify({
    base: rate.base,
    quote: rate.quote,
    numerator: rate.numerator.toString(),
    denominator: rate.denominator.toString(),
  });
}

export function rateFromText(text: string): Rate {
  const r = JSON.parse(text) as { base: string; quote: string; numerator: string; denominator: string };
  return { base: r.base, quote: r.quote, numerator: BigInt(r.numerator), denominator: BigInt(r.denominator) };
}

export function findRequestRow(db: Kysely<Schema>, id: string): Promise<Row | undefined> {
  return db.selectFrom('purchase_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findByMerchantRequestId(
  db: Kysely<Schema>,
  merchantId: string,
  merchantRequestId: string,
): Promise<Row | undefined> {
  return db
    .selectFrom('purchase_requests')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('merchant_request_id', '=', merchantRequestId)
    .executeTakeFirst();
}

export function pendingRowsOf(
  db: Kysely<Schema>,
  customerId: string,
  now: Date,
  limit: number,
): Promise<Row[]> {
  return db
    .selectFrom('purchase_requests')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
