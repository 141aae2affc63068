import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import {
  createMemoryMerchantStore,
  createPostgresMerchantStore,
  type MerchantStore,
} from '@tallystick/merchant';

export interface OpenedStore {
  readonly store: MerchantStore;
  close(): Promise<void>;
}

/**
 * The shop's sessions: in memory, or persistent in PGlite under `dataDir`
 * (the SDK's PostgreSQL store, so open sessions survive a restart).
 */
export async function openMerchantStore(dataDir: string | undefined): Promise<OpenedStore> {
  if (dataDir === undefined) return { store: createMemoryMerchantStore(), close: async () => undefined };
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  try {
    const store = createPostgresMerchantStore({ pool: poolOf(db) });
    await store.migrate();
    return { store, close: () => db.close() };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * PGlite is one connection, so `connect()` hands out that connection. The
 * store only takes a client for its migration, which runs alone at start-up;
 * every other statement is a single query.
 */
function poolOf(db: PGlite) {
  const query = async (text: string, values?: unknown[]) => {
    const result = await db.query<Record<string, unknown>>(text, values);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return { query, connect: async () => ({ query, release: () => undefined }) };
}
