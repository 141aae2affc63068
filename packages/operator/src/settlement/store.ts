import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { SettlementBatch, SettlementItem, SettlementStatus } from './model.ts';

type Db = Kysely<Schema>;

/**
 * Every clearing with `peer` in `currency`, in this operator's view (positive
 * when the peer owes us): as MTA we booked `interop -> liquidity` (the peer's
 * AM owes us the customer amount), as AM we posted `customer -> interop` (we
 * owe the peer's MTA). Zero clearings move nothing and are left out. A
 * request-to-pay across operators books the same way (requests/cross): the
 * merchant's operator as MTA, the customer's as AM, keyed by the request id.
 */
function positions(peer: string, currency: string) {
  return sql<{ transaction_id: string; amount_minor: bigint; cleared_at: Date }>`
    select c.transaction_id, c.cleared_customer_minor as amount_minor, c.cleared_at
      from mta_clearings c join mta_transactions t on t.id = c.transaction_id
     where t.am_operator_id = ${peer} and t.customer_currency = ${currency} and c.cleared_customer_minor > 0
    union all
    select c.transaction_id, -c.cleared_customer_minor as amount_minor, c.cleared_at
      from am_clearings c join am_transactions t on t.id = c.transaction_id
     where t.mta_operator_id = ${peer} and t.currency = ${currency} and c.cleared_customer_minor > 0
    union all
    select r.id as transaction_id, r.charge_minor as amount_minor, r.answered_at as cleared_at
      from purchase_requests r
     where r.customer_operator_id = ${peer} and r.charge_currency = ${currency} and r.status = 'affirmed'
    union all
    select r.id as transaction_id, -r.charge_minor as amount_minor, r.answered_at as cleared_at
      from purchase_requests r
     where r.merchant_operator_id = ${peer} and r.charge_currency = ${currency} and r.status = 'affirmed'`;
}

const itemOf = (row: { transaction_id: string; amount_minor: bigint; cleared_at: Date }): SettlementItem => ({
  transactionId: row.transaction_id,
  amountMinor: BigInt(row.amount_minor),
  clearedAt: new Date(row.cleared_at),
});

/** Clearings not in any batch, oldest first, cleared at or before the cut-off. */
export async function unbatchedPositions(
  db: Db,
  peer: string,
  currency: string,
  cutOff: Date,
  limit: number,
): Promise<SettlementItem[]> {
  const { rows } = await sql<{ transaction_id: string; amount_minor: bigint; cleared_at: Date }>`
    select p.* from (${positions(peer, currency)}) p
      left join settlement_items s on s.transaction_id = p.transaction_id
     where s.transaction_id is null and p.cleared_at <= ${cutOff}
     order by p.cleared_at, p.transaction_id
     limit ${limit}`.execute(db);
  return rows.map(itemOf);
}

/** Our own view of the named clearings with `peer` (those we have). */
export async function ownPositions(
  db: Db,
  peer: string,
  currency: string,
  transactionIds: readonly string[],
): Promise<Map<string, bigint>> {
  if (transactionIds.length === 0) return new Map();
  const { rows } = await sql<{ transaction_id: string; amount_minor: bigint; cleared_at: Date }>`
    select p.* from (${positions(peer, currency)}) p
     where p.transaction_id in (${sql.join(transactionIds)})`.execute(db);
  return new Map(rows.map((row) => [row.transaction_id, BigInt(row.amount_minor)]));
}

/** Sums of our positions with `peer` by settlement state: not batched, batched unsettled, settled. */
export async function positionSums(
  db: Db,
  peer: string,
  currency: string,
): Promise<{ unbatched: bigint; inFlight: bigint; settled: bigint }> {
  const { rows } = await sql<{ state: string; total: bigint }>`
    select case when b.id is null then 'unbatched' when b.status = 'settled' then 'settled' else 'in_flight' end as state,
           coalesce(sum(p.amount_minor), 0)::bigint as total
      from (${positions(peer, currency)}) p
      left join settlement_items s on s.transaction_id = p.transaction_id
      left join settlement_batches b on b.id = s.batch_id
     group by 1`.execute(db);
  const of = (state: string) => BigInt(rows.find((row) => row.state === state)?.total ?? 0n);
  return { unbatched: of('unbatched'), inFlight: of('in_flight'), settled: of('settled') };
}

export async function insertBatch(
  db: Db,
  batch: SettlementBatch,
  items: readonly SettlementItem[],
  now: Date,
): Promise<void> {
  await db
    .insertInto('settlement_batches')
    .values({
      id: batch.id,
      role: batch.role,
      peer_operator_id: batch.peerOperatorId,
      currency: batch.currency,
      cut_off: batch.cutOff,
      status: batch.status,
      net_minor: batch.netMinor,
      item_count: batch.itemCount,
      statement_jws: batch.statementJws,
      acknowledgement_jws: batch.acknowledgementJws,
      ledger_transfer_id: null,
      updated_at: now,
    })
    .execute();
  if (items.length === 0) return;
  await db
    .insertInto('settlement_items')
    .values(
      items.map((item) => ({
        transaction_id: item.transactionId,
        batch_id: batch.id,
        amount_minor: item.amountMinor,
        cleared_at: item.clearedAt,
      })),
    )
    .execute();
}

export async function findBatch(db: Db, id: string, forUpdate = false): Promise<SettlementBatch | undefined> {
  let query = db.selectFrom('settlement_batches').selectAll().where('id', '=', id);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? batchOf(row) : undefined;
}

export async function findOpenBatch(
  db: Db,
  peer: string,
  currency: string,
): Promise<SettlementBatch | undefined> {
  const row = await db
    .selectFrom('settlement_batches')
    .selectAll()
    .where('role', '=', 'initiator')
    .where('peer_operator_id', '=', peer)
    .where('currency', '=', currency)
    .where('status', '<>', 'settled')
    .executeTakeFirst();
  return row ? batchOf(row) : undefined;
}

export async function batchItems(db: Db, batchId: string): Promise<SettlementItem[]> {
  const rows = await db
    .selectFrom('settlement_items')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('cleared_at')
    .orderBy('transaction_id')
    .execute();
  return rows.map(itemOf);
}

/** Items of these transactions already in some batch. */
export async function batchedAmong(db: Db, transactionIds: readonly string[]): Promise<Map<string, string>> {
  if (transactionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('settlement_items')
    .select(['transaction_id', 'batch_id'])
    .where('transaction_id', 'in', transactionIds)
    .execute();
  return new Map(rows.map((row) => [row.transaction_id, row.batch_id]));
}

/** Compare-and-set: moves the batch only from `from`; false when another run already moved it. */
export async function advanceStatus(
  db: Db,
  id: string,
  from: SettlementStatus,
  to: SettlementStatus,
  now: Date,
  fields: { statementJws?: string; acknowledgementJws?: string; ledgerTransferId?: string | null } = {},
): Promise<boolean> {
  const result = await db
    .updateTable('settlement_batches')
    .set({
      status: to,
      updated_at: now,
      ...(fields.statementJws !== undefined ? { statement_jws: fields.statementJws } : {}),
      ...(fields.acknowledgementJws !== undefined ? { acknowledgement_jws: fields.acknowledgementJws } : {}),
      ...(fields.ledgerTransferId !== undefined ? { ledger_transfer_id: fields.ledgerTransferId } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setStatementJws(db: Db, id: string, jws: string, now: Date): Promise<void> {
  await db
    .updateTable('settlement_batches')
    .set({ statement_jws: jws, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function listBatches(db: Db, limit: number): Promise<SettlementBatch[]> {
  const rows = await db
    .selectFrom('settlement_batches')
    .selectAll()
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(batchOf);
}

/** The peers and currencies this operator has interop accounts for (its own pair excluded). */
export async function interopPairs(
  db: Db,
  operatorId: string,
): Promise<{ peer: string; currency: string }[]> {
  const prefix = `op.${operatorId}.interop.`;
  const rows = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'currency'])
    .where('kind', '=', 'operator_interop')
    .where('id', 'like', `${prefix}%`)
    .orderBy('id')
    .execute();
  return rows
    .map((row) => ({ peer: row.id.slice(prefix.length, -(row.currency.length + 1)), currency: row.currency }))
    .filter((pair) => pair.peer !== operatorId);
}

function batchOf(row: {
  id: string;
  role: 'initiator' | 'responder';
  peer_operator_id: string;
  currency: string;
  cut_off: Date;
  status: SettlementStatus;
  net_minor: bigint;
  item_count: number;
  statement_jws: string | null;
  acknowledgement_jws: string | null;
  ledger_transfer_id: string | null;
}): SettlementBatch {
  return {
    id: row.id,
    role: row.role,
    peerOperatorId: row.peer_operator_id,
    currency: row.currency.trim(),
    cutOff: new Date(row.cut_off),
    status: row.status,
    netMinor: BigInt(row.net_minor),
    itemCount: row.item_count,
    statementJws: row.statement_jws,
    acknowledgementJws: row.acknowledgement_jws,
    ledgerTransferId: row.ledger_transfer_id,
  };
}
