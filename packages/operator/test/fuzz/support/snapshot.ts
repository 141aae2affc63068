import { sql } from 'kysely';
import type { Database } from '../../../src/db/database.ts';

/**
 * Tables a refused request may legitimately write to, each with its reason.
 * Everything else must be byte-for-byte the same row count after a refusal.
 */
export const REFUSAL_TABLES: Readonly<Record<string, string>> = {
  // verifyMessage remembers a jti once the signature, type, audience, issuer and
  // freshness checked out, before the body is read: a correctly signed message
  // with a bad body is refused and must not be accepted again, so its jti stays.
  jws_replay: 'jti of correctly signed messages, remembered even when their body is then refused',
};

export interface DatabaseSnapshot {
  /** Row count of every table in the schema, minus REFUSAL_TABLES. */
  readonly counts: Record<string, number>;
  /** Every ledger account with its four balances. */
  readonly balances: Record<string, string>;
}

/** The whole database, as far as "nothing was written" can tell: every table's rows, every balance. */
export async function snapshotDatabase(
  db: Database,
  /** Tables this route legitimately writes on a refusal (RouteKnowledge.recordsRefusals). */
  ignore: readonly string[] = [],
): Promise<DatabaseSnapshot> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db.kysely);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (Object.hasOwn(REFUSAL_TABLES, name) || ignore.includes(name)) continue;
    const { rows } = await sql<{ n: string | number | bigint }>`select count(*) as n from ${sql.table(
      name,
    )}`.execute(db.kysely);
    counts[name] = Number(rows[0]?.n ?? 0);
  }
  const accounts = await db.kysely.selectFrom('ledger_accounts').selectAll().orderBy('id').execute();
  const balances: Record<string, string> = {};
  for (const a of accounts) {
    balances[a.id] = `${a.debits_posted}/${a.credits_posted}/${a.debits_pending}/${a.credits_pending}`;
  }
  return { counts, balances };
}
