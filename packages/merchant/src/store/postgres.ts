import pg from 'pg';
import { PG_POOL_SIZE_MAX } from '../limits.ts';
import type { MerchantSession } from '../session/model.ts';
import { itemToText, rateToText, sessionOf, voucherOf } from './postgres-rows.ts';
import {
  MIGRATION_LOCK_KEY,
  MIGRATION_STATEMENTS,
  SESSIONS_TABLE,
  VOUCHERS_TABLE,
} from './postgres-schema.ts';
import type { MerchantStore } from './store.ts';

/** What the store needs of a connection: `pg.Pool` and `pg.PoolClient` fit, and so can a PGlite adapter. */
export interface PgQueryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(): void }>;
}

export type PostgresMerchantStoreOptions =
  | { readonly pool: PgPoolLike }
  | { readonly connectionString: string; readonly poolSizeMax?: number };

export interface PostgresMerchantStore extends MerchantStore {
  /** Creates the SDK's tables if missing. Call once at start-up, before anything else. */
  migrate(): Promise<void>;
  /** Ends the pool if the store created it; a pool you passed in is yours to end. */
  close(): Promise<void>;
}

const SESSION_COLUMNS = [
  'transaction_id',
  'merchant_id',
  'pseudonym',
  'session_key_jwk',
  'deposit_minor',
  'currency',
  'rate',
  'offer_id',
  'expires_at_ms',
  'seq',
  'cumulative_minor',
  'purchase_count',
  'purchase_total_minor',
  'purchase_list_hash',
  'information_jws',
  'merchant_ack_jws',
  'created_at_ms',
] as const;

/**
 * The merchant's sessions in PostgreSQL, in its own tables. A voucher is
 * accepted by one statement: `update … where seq = $expected and
 * cumulative_minor = $expected and status = 'open'` feeding the insert of
 * the voucher row, so concurrent purchases on one transaction (in any
 * number of processes) can never both win one seq.
 *
 * @example
 * const store = createPostgresMerchantStore({ connectionString: process.env.DATABASE_URL });
 * await store.migrate();
 * const merchant = createMerchant({ ...config, store });
 */
export function createPostgresMerchantStore(options: PostgresMerchantStoreOptions): PostgresMerchantStore {
  const ownPool =
    'pool' in options
      ? undefined
      : new pg.Pool({
          connectionString: options.connectionString,
          max: options.poolSizeMax ?? PG_POOL_SIZE_MAX,
        });
  // An idle client dropped by the server (restart, terminated backend) emits 'error' on the pool;
  // unhandled, that kills the process. The next query simply gets a fresh connection.
  ownPool?.on('error', () => {});
  const db: PgPoolLike = ownPool ?? (options as { pool: PgPoolLike }).pool;
  const one = async (text: string, values: unknown[]) => (await db.query(text, values)).rows[0];
  const load = async (id: string) => {
    const row = await one(`select * from ${SESSIONS_TABLE} where transaction_id = $1`, [id]);
    return row ? sessionOf(row) : undefined;
  };

  return {
    async migrate() {
      const client = await db.connect();
      try {
        await client.query('begin');
        await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        for (const statement of MIGRATION_STATEMENTS) await client.query(statement);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await ownPool?.end();
    },
    async insertSession(session) {
      const placeholders = SESSION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      const inserted = await db.query(
        `insert into ${SESSIONS_TABLE} (${SESSION_COLUMNS.join(', ')}) values (${placeholders})
         on conflict (transaction_id) do nothing`,
        sessionValues(session),
      );
      const stored = await load(session.transactionId);
      if (!stored) throw new Error('assertion: session missing right after insert');
      return { created: inserted.rowCount === 1, session: stored };
    },
    getSession: load,
    async acceptVoucher(transactionId, expected, v) {
      const result = await db.query(
        `with accepted as (
           update ${SESSIONS_TABLE}
              set seq = $3, cumulative_minor = $4, purchase_count = $5, purchase_total_minor = $6,
                  purchase_list_hash = $7, last_voucher = $8
            where transaction_id = $1 and seq = $2 and cumulative_minor = $9 and status = 'open'
           returning transaction_id)
         insert into ${VOUCHERS_TABLE}
           (transaction_id, seq, cumulative_minor, amount_minor, purchase_count, purchase_list_hash, item, jws, accepted_at_ms)
         select transaction_id, $3, $4, $10, $5, $7, $11, $8, $12 from accepted`,
        [
          transactionId,
          expected.seq,
          v.seq,
          v.cumulativeMinor.toString(),
          v.purchaseList.count,
          v.purchaseList.totalMinor.toString(),
          v.purchaseList.hashHex,
          v.jws,
          expected.cumulativeMinor.toString(),
          v.amountMinor.toString(),
          itemToText(v.item),
          v.acceptedAtMs,
        ],
      );
      if (result.rowCount === 1) return 'accepted';
      const row = await one(`select status from ${SESSIONS_TABLE} where transaction_id = $1`, [
        transactionId,
      ]);
      if (!row) return 'unknown';
      return row.status === 'open' ? 'stale' : 'terminated';
    },
    async terminate(transactionId, t, expectedSeq) {
      await db.query(
        `update ${SESSIONS_TABLE}
            set status = 'terminated', terminated_by = $2, terminate_reason = $3, terminate_jws = $4,
                terminate_last_seq = $5, terminated_at_ms = $6
          where transaction_id = $1 and status = 'open' and ($7::bigint is null or seq = $7::bigint)`,
        [transactionId, t.by, t.reason, t.jws, t.lastSeq, t.atMs, expectedSeq ?? null],
      );
      return load(transactionId);
    },
    async saveRecord(transactionId, recordJws) {
      await db.query(
        `update ${SESSIONS_TABLE} set record_jws = $2 where transaction_id = $1 and record_jws is null`,
        [transactionId, recordJws],
      );
      return (await load(transactionId))?.record?.jws;
    },
    async markRecordSubmitted(transactionId, status, atMs) {
      await db.query(
        `update ${SESSIONS_TABLE} set record_status = $2, record_submitted_at_ms = $3
          where transaction_id = $1 and record_jws is not null`,
        [transactionId, status, atMs],
      );
    },
    async listVouchers(transactionId) {
      const { rows } = await db.query(
        `select * from ${VOUCHERS_TABLE} where transaction_id = $1 order by seq`,
        [transactionId],
      );
      return rows.map(voucherOf);
    },
    async listAwaitingRecord(merchantId, fromMs, beforeMs, limit) {
      // An open session has no record yet, so `record_status is null` covers both kinds.
      // collate "C": ties break in byte order, as in the memory store, whatever the database's locale.
      const { rows } = await db.query(
        `select * from ${SESSIONS_TABLE}
          where merchant_id = $1 and record_status is null and expires_at_ms >= $2 and expires_at_ms < $3
          order by expires_at_ms, transaction_id collate "C"
          limit $4`,
        [merchantId, fromMs, beforeMs, limit],
      );
      return rows.map(sessionOf);
    },
  };
}

function sessionValues(s: MerchantSession): unknown[] {
  return [
    s.transactionId,
    s.merchantId,
    s.pseudonym,
    JSON.stringify(s.sessionKeyJwk),
    s.depositMinor.toString(),
    s.currency,
    rateToText(s.rate),
    s.offerId,
    s.expiresAtMs,
    s.seq,
    s.cumulativeMinor.toString(),
    s.purchaseList.count,
    s.purchaseList.totalMinor.toString(),
    s.purchaseList.hashHex,
    s.informationJws,
    s.merchantAckJws,
    s.createdAtMs,
  ];
}
