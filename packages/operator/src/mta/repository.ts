import type { Kysely, Selectable } from 'kysely';
import type { MtaRecordsTable, MtaTransactionsTable, Schema } from '../db/schema.ts';
import type { MtaRecord, MtaTransaction, RecordSide } from './model.ts';

/** Rows in and out of `mta_transactions` and `mta_records`. `db` may be a transaction. */
export type Executor = Kysely<Schema>;

export async function insertTransaction(db: Executor, t: MtaTransaction): Promise<void> {
  await db
    .insertInto('mta_transactions')
    .values({
      id: t.id,
      am_operator_id: t.amOperatorId,
      merchant_id: t.merchantId,
      status: t.status,
      pseudonym: t.pseudonym,
      session_key: JSON.stringify(t.sessionKey),
      offer_id: t.offerId,
      deposit_customer_minor: t.depositCustomerMinor,
      customer_currency: t.customerCurrency,
      deposit_merchant_minor: t.depositMerchantMinor,
      merchant_currency: t.merchantCurrency,
      rate_numerator: t.rate.numerator,
      rate_denominator: t.rate.denominator,
      expires_at: t.expiresAt,
      amended_initiation_jws: t.amendedInitiationJws,
      merchant_ack_jws: t.merchantAckJws,
      mta_ack_jws: t.mtaAckJws,
      created_at: t.createdAt,
    })
    .execute();
}

export async function findTransaction(db: Executor, id: string): Promise<MtaTransaction | undefined> {
  const row = await db.selectFrom('mta_transactions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTransaction(row);
}

/** Locks the session row until commit: every record and every clearing of one session queue up here. */
export async function lockTransaction(db: Executor, id: string): Promise<MtaTransaction | undefined> {
  const row = await db
    .selectFrom('mta_transactions')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row && toTransaction(row);
}

export async function markCleared(db: Executor, id: string): Promise<void> {
  const result = await db
    .updateTable('mta_transactions')
    .set({ status: 'cleared' })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`assertion: clearing ${id}, which is not open`);
}

/** Open sessions whose timer has run out, oldest first. */
export async function findDueTransactionIds(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mta_transactions')
    .select('id')
    .where('status', '=', 'open')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

export async function insertRecord(db: Executor, transactionId: string, record: MtaRecord): Promise<void> {
  await db
    .insertInto('mta_records')
    .values({
      transaction_id: transactionId,
      side: record.side,
      record_jws: record.recordJws,
      purchase_count: record.purchaseCount,
      total_minor: record.totalMinor,
      purchase_list_hash: record.purchaseListHash,
      last_seq: BigInt(record.lastSeq),
      last_voucher_jws: record.lastVoucherJws,
      received_at: record.receivedAt,
    })
    .execute();
}

export async function findRecords(db: Executor, transactionId: string): Promise<MtaRecord[]> {
  const rows = await db
    .selectFrom('mta_records')
    .selectAll()
    .where('transaction_id', '=', transactionId)
    .orderBy('side')
    .execute();
  return rows.map(toRecord);
}

export function recordOf(records: readonly MtaRecord[], side: RecordSide): MtaRecord | undefined {
  return records.find((record) => record.side === side);
}

function toTransaction(row: Selectable<MtaTransactionsTable>): MtaTransaction {
  return {
    id: row.id,
    amOperatorId: row.am_operator_id,
    merchantId: row.merchant_id,
    status: row.status,
    pseudonym: row.pseudonym,
    sessionKey: JSON.parse(row.session_key) as Record<string, string>,
    offerId: row.offer_id,
    depositCustomerMinor: row.deposit_customer_minor,
    customerCurrency: row.customer_currency,
    depositMerchantMinor: row.deposit_merchant_minor,
    merchantCurrency: row.merchant_currency,
    rate: {
      base: row.customer_currency,
      quote: row.merchant_currency,
      numerator: row.rate_numerator,
      denominator: row.rate_denominator,
    },
    expiresAt: row.expires_at,
    amendedInitiationJws: row.amended_initiation_jws,
    merchantAckJws: row.merchant_ack_jws,
    mtaAckJws: row.mta_ack_jws,
    createdAt: row.created_at,
  };
}

function toRecord(row: Selectable<MtaRecordsTable>): MtaRecord {
  return {
    side: row.side,
    recordJws: row.record_jws,
    purchaseCount: row.purchase_count,
    totalMinor: row.total_minor,
    purchaseListHash: row.purchase_list_hash,
    lastSeq: Number(row.last_seq),
    lastVoucherJws: row.last_voucher_jws,
    receivedAt: row.received_at,
  };
}
