import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { AmTransactionsTable, Schema } from '../db/schema.ts';
import type { AmSession, AmSessionTerms, AmTransaction } from './model.ts';

/** Rows in and out of the AM's tables. `db` may be a transaction. */
export type Executor = Kysely<Schema>;

/**
 * A new session row, in one statement: SequenceNumber1 comes from one
 * database sequence per AM, so every node process sharing the database
 * agrees, and `formatId` turns it into `SessionIdentity`. The id is built in
 * SQL as `<prefix><seq>` and checked against `formatId` before it is used.
 */
export async function createSession(
  db: Executor,
  customerId: string,
  createdAt: Date,
  formatId: (seq: number) => string,
): Promise<AmSession> {
  // The prefix is what formatId puts before the number; the assertion below holds SQL to it.
  const prefix = formatId(1).slice(0, -1);
  const { rows } = await sql<{ id: string; seq: bigint }>`
    with next as (select nextval('am_session_seq') as seq)
    insert into am_sessions (id, customer_id, created_at)
    select ${prefix} || next.seq::text, ${customerId}, ${createdAt} from next
    returning id, (select seq from next) as seq`.execute(db);
  const row = rows[0];
  const id = formatId(safeNumber(row?.seq, 'session sequence'));
  if (row?.id !== id) throw new Error(`assertion: session id ${String(row?.id)} is not ${id}`);
  return { id, customerId, createdAt };
}

export async function findSession(db: Executor, id: string): Promise<AmSession | undefined> {
  const row = await db.selectFrom('am_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, customerId: row.customer_id, createdAt: row.created_at };
}

/** SequenceNumber2: taken from the session row under its lock; a rolled-back initiation gives its number back. */
export async function takeTransactionSeq(db: Executor, sessionId: string): Promise<number> {
  const row = await db
    .updateTable('am_sessions')
    .set((eb) => ({ next_transaction_seq: eb('next_transaction_seq', '+', 1n) }))
    .where('id', '=', sessionId)
    .returning(sql<bigint>`next_transaction_seq - 1`.as('seq'))
    .executeTakeFirst();
  return safeNumber(row?.seq, `transaction sequence of ${sessionId}`);
}

export async function insertTransaction(db: Executor, t: AmTransaction): Promise<void> {
  await db
    .insertInto('am_transactions')
    .values({
      id: t.id,
      session_id: t.sessionId,
      customer_id: t.customerId,
      status: t.status,
      initiation_jti: t.initiationJti,
      initiation_jws: t.initiationJws,
      merchant_id: t.merchantId,
      mta_operator_id: t.mtaOperatorId,
      pseudonym: t.pseudonym,
      session_key: JSON.stringify(t.sessionKey),
      deposit_minor: t.depositMinor,
      currency: t.currency,
      expires_at: t.expiresAt,
      hold_id: t.holdId,
      created_at: t.createdAt,
    })
    .execute();
}

export async function findTransaction(db: Executor, id: string): Promise<AmTransaction | undefined> {
  const row = await db.selectFrom('am_transactions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTransaction(row);
}

export async function findByInitiation(
  db: Executor,
  customerId: string,
  jti: string,
): Promise<AmTransaction | undefined> {
  const row = await db
    .selectFrom('am_transactions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('initiation_jti', '=', jti)
    .executeTakeFirst();
  return row && toTransaction(row);
}

export async function lockTransaction(db: Executor, id: string): Promise<AmTransaction | undefined> {
  const row = await db
    .selectFrom('am_transactions')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row && toTransaction(row);
}

export async function markOpen(db: Executor, id: string, terms: AmSessionTerms): Promise<void> {
  await updateStatus(db, id, 'initiating', {
    status: 'open',
    merchant_currency: terms.merchantCurrency,
    deposit_merchant_minor: terms.depositMerchantMinor,
    rate_numerator: terms.rate.numerator,
    rate_denominator: terms.rate.denominator,
    mta_ack_jws: terms.mtaAckJws,
    session_ready_jws: terms.sessionReadyJws,
  });
}

export async function markFailed(db: Executor, id: string, errorCode: string): Promise<void> {
  await updateStatus(db, id, 'initiating', { status: 'failed', error_code: errorCode });
}

export async function markCleared(db: Executor, id: string): Promise<void> {
  await db.updateTable('am_transactions').set({ status: 'cleared' }).where('id', '=', id).execute();
}

async function updateStatus(
  db: Executor,
  id: string,
  from: AmTransaction['status'],
  set: Updateable<AmTransactionsTable>,
): Promise<void> {
  const result = await db
    .updateTable('am_transactions')
    .set(set)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  // A clearing may overtake a slow initiation (the MTA's timer); then the status has moved on already.
  if (result.numUpdatedRows !== 1n && (await findTransaction(db, id))?.status !== 'cleared') {
    throw new Error(`assertion: transaction ${id} was not ${from}`);
  }
}

export function toTransaction(row: Selectable<AmTransactionsTable>): AmTransaction {
  return {
    id: row.id,
    sessionId: row.session_id,
    customerId: row.customer_id,
    status: row.status,
    initiationJti: row.initiation_jti,
    initiationJws: row.initiation_jws,
    merchantId: row.merchant_id,
    mtaOperatorId: row.mta_operator_id,
    pseudonym: row.pseudonym,
    sessionKey: JSON.parse(row.session_key) as Record<string, string>,
    depositMinor: row.deposit_minor,
    currency: row.currency,
    expiresAt: row.expires_at,
    holdId: row.hold_id,
    terms: termsOf(row),
    errorCode: row.error_code,
    createdAt: row.created_at,
  };
}

function termsOf(row: Selectable<AmTransactionsTable>): AmSessionTerms | null {
  const {
    merchant_currency: quote,
    deposit_merchant_minor: deposit,
    rate_numerator: n,
    rate_denominator: d,
  } = row;
  if (quote === null || deposit === null || n === null || d === null) return null;
  if (row.mta_ack_jws === null || row.session_ready_jws === null) return null;
  return {
    rate: { base: row.currency, quote, numerator: n, denominator: d },
    depositMerchantMinor: deposit,
    merchantCurrency: quote,
    mtaAckJws: row.mta_ack_jws,
    sessionReadyJws: row.session_ready_jws,
  };
}

function safeNumber(value: bigint | undefined, what: string): number {
  if (value === undefined || value < 1n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`assertion: ${what} out of range: ${String(value)}`);
  }
  return Number(value);
}
