import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/database.ts';

/**
 * A fresh database for one test file: in-memory PGlite by default, or a new
 * PostgreSQL database (created and dropped here) when TEST_DATABASE_URL is set.
 */
export async function openTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return openDatabase({ kind: 'memory', ...(await pgliteTemplate()) });
  const name = `tally_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSizeMax: 20 });
  return {
    ...db,
    close: async () => {
      await db.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

export function testDatabaseEngine(): 'postgres' | 'pglite' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
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

let template: Promise<Blob | undefined> | undefined;

/** The migrated template made by global-setup.ts, read once per test process. */
function pgliteTemplate(): Promise<{ template?: Blob }> {
  const path = process.env.TALLY_PGLITE_TEMPLATE;
  template ??= path ? readFile(path).then((bytes) => new Blob([bytes])) : Promise.resolve(undefined);
  return template.then((blob) => (blob ? { template: blob } : {}));
}
