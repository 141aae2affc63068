import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPGliteTemplate } from '../../src/db/database.ts';
import { CARD_SCAN_DIR_ENV, scanForCards } from './card-scan.ts';

/**
 * Vitest global setup: builds one migrated PGlite template for the whole run
 * and hands its path to the test processes (they inherit the environment);
 * makes the directory where tests leave database dumps and logs, and after
 * the whole suite scans them for the test card numbers (DESIGN §9: funding
 * information is never logged and stored only encrypted).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const scanDir = await mkdtemp(join(tmpdir(), 'tally-card-scan-'));
  process.env[CARD_SCAN_DIR_ENV] = scanDir;
  const cleanups: (() => Promise<void>)[] = [() => rm(scanDir, { recursive: true, force: true })];
  if (!process.env.TEST_DATABASE_URL) {
    const dir = await mkdtemp(join(tmpdir(), 'tally-pglite-'));
    const file = join(dir, 'template.tar');
    await writeFile(file, Buffer.from(await (await createPGliteTemplate()).arrayBuffer()));
    process.env.TALLY_PGLITE_TEMPLATE = file;
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
  }
  return async () => {
    const scan = scanForCards(scanDir);
    for (const cleanup of cleanups) await cleanup();
    if (scan.findings.length > 0) {
      throw new Error(`full card numbers found after the suite:\n  ${scan.findings.join('\n  ')}`);
    }
    if (scan.files > 0) {
      console.log(`card scan: ${scan.files} dumps and logs (${scan.bytes} bytes), no full card number`);
    }
  };
}
