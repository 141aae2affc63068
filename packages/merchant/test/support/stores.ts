import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  createMemoryMerchantStore,
  createPostgresMerchantStore,
  type MerchantStore,
  type PgPoolLike,
} from '../../src/index.ts';

export interface TestStore {
  readonly store: MerchantStore;
  readonly engine: 'memory' | 'pglite' | 'postgres';
  close(): Promise<void>;
}

export async function openMemoryStore(): Promise<TestStore> {
  return { store: createMemoryMerchantStore(), engine: 'memory', close: async () => undefined };
}

/**
 * The PostgreSQL store on a fresh database: a new PostgreSQL database
 * (created here and dropped on close) when TEST_DATABASE_URL is set,
 * otherwise in-memory PGlite behind a pg-shaped adapter.
 */
export async function openPostgresStore(): Promise<TestStore> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await PGlite.create();
    const store = createPostgresMerchantStore({ pool: pgliteAdapter(db) });
    await store.migrate();
    return { store, engine: 'pglite', close: () => db.close() };
  }
  const name = `tally_merchant_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  pool.on('error', () => {}); // the forced drop below ends idle backends; that is expected here
  const store = createPostgresMerchantStore({ pool });
  await store.migrate();
  await store.migrate(); // idempotent
  return {
    store,
    engine: 'postgres',
    close: async () => {
      await pool.end();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** PGlite is one connection: `connect()` hands out the same one (fine for tests that migrate alone). */
function pgliteAdapter(db: PGlite): PgPoolLike {
  const query = async (text: string, values?: unknown[]) => {
    const result = await db.query<Record<string, unknown>>(text, values);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return { query, connect: async () => ({ query, release: () => undefined }) };
}

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
