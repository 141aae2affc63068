import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPGliteTemplate } from '../../src/db/database.ts';

/**
 * Vitest global setup: builds one migrated PGlite template for the whole run
 * and hands its path to the test processes (they inherit the environment).
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.TEST_DATABASE_URL) return async () => {};
  const dir = await mkdtemp(join(tmpdir(), 'tally-pglite-'));
  const file = join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await (await createPGliteTemplate()).arrayBuffer()));
  process.env.TALLY_PGLITE_TEMPLATE = file;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
