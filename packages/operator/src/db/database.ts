import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './datadir-lock.ts';
import { migrateToLatest } from './migrator.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { PreparingClient } from './prepared.ts';
import type { Schema } from './schema.ts';

/** Where the node keeps its data: a PostgreSQL URL, a PGlite directory, or memory. */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSizeMax?: number }
  | { readonly kind: 'pglite'; readonly dataDir: string }
  /** `template`: a PGlite data-dir dump to start from (tests use one migrated copy instead of initdb each time). */
  | { readonly kind: 'memory'; readonly template?: Blob };

/** The one small interface both engines sit behind: a Kysely instance with the same SQL on both. */
export interface Database {
  readonly kysely: Kysely<Schema>;
  readonly engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

const INT8_OID = 20;
const POOL_SIZE_DEFAULT = 10;

/** int8 comes back as bigint on both engines, so money never passes through `number`. */
const parseInt8 = (value: string): bigint => BigInt(value);

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  const db =
    target.kind === 'postgres' ? openPostgres(target.url, target.poolSizeMax) : await openPGlite(target);
  try {
    await migrateToLatest(db.kysely);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openPostgres(url: string, poolSizeMax = POOL_SIZE_DEFAULT): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSizeMax,
    Client: PreparingClient,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection can drop (server restart, admin kill, a forced drop of a test database); pg
  // then emits 'error' on the pool, which crashes the process when nobody listens. The pool has already
  // discarded that client and the next query connects afresh, so there is nothing else to do.
  pool.on('error', () => {});
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, engine: 'postgres', close: () => kysely.destroy() };
}

async function openPGlite(
  target: { kind: 'pglite'; dataDir: string } | { kind: 'memory'; template?: Blob },
): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (target.kind === 'pglite') lock = await acquireDataDirLock(target.dataDir);
  try {
    const pglite = await PGlite.create({
      ...(target.kind === 'pglite' ? { dataDir: target.dataDir } : {}),
      ...(target.kind === 'memory' && target.template ? { loadDataDir: target.template } : {}),
      parsers: { [INT8_OID]: parseInt8 },
    });
    const kysely = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    return {
      kysely,
      engine: 'pglite',
      close: async () => {
        await kysely.destroy();
        await pglite.close();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

/**
 * A migrated, empty PGlite database as a data-dir dump. Starting from it skips
 * initdb and the migrations (about 0.5 s instead of several), which is what
 * lets every test file have a database of its own.
 */
export async function createPGliteTemplate(): Promise<Blob> {
  const pglite = await PGlite.create({ parsers: { [INT8_OID]: parseInt8 } });
  try {
    const kysely = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(kysely);
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}
