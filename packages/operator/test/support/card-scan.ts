import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.ts';

/**
 * The card numbers the tests store as funding instruments: every test that
 * stores a card takes it from here, so the whole-suite scan (global-setup.ts)
 * knows what must never appear in a dump or a log.
 */
export const TEST_CARDS = {
  visa: '4111111111111111',
  mastercard: '5555555555554444',
} as const;
export const TEST_CARD_NUMBERS: readonly string[] = Object.values(TEST_CARDS);

/** Set by the global setup for the test processes: where dumps and logs go for the final scan. */
export const CARD_SCAN_DIR_ENV = 'TALLY_CARD_SCAN_DIR';

function scanDir(): string | undefined {
  return process.env[CARD_SCAN_DIR_ENV];
}

/** One file per writer: test files run in parallel processes. */
function fileName(kind: 'log' | 'dump', name: string): string {
  return `${kind}.${name.replace(/[^A-Za-z0-9_-]/g, '_')}.${process.pid}.txt`;
}

/**
 * A log stream for a node under test that also keeps every line in the scan
 * directory (when the global setup made one), for the scan after the suite.
 */
export function scannedLogStream(name: string, lines: string[] = []): { write(line: string): void } {
  const dir = scanDir();
  const file = dir === undefined ? undefined : join(dir, fileName('log', name));
  return {
    write(line) {
      lines.push(line);
      if (file) appendFileSync(file, line.endsWith('\n') ? line : `${line}\n`);
    },
  };
}

/** Every row of every table as text, like a data-only `pg_dump`. */
export async function dumpDatabase(db: Database): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
    db.kysely,
  );
  let dump = '';
  for (const { table_name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(table_name)}`.execute(db.kysely);
    dump += `-- ${table_name}\n`;
    for (const row of rows.rows) dump += `${JSON.stringify(row, dumpValue)}\n`;
  }
  return dump;
}

/** Writes the dump to the scan directory too (when there is one); returns it for the test's own check. */
export async function dumpForScan(db: Database, name: string): Promise<string> {
  const dump = await dumpDatabase(db);
  const dir = scanDir();
  if (dir) writeFileSync(join(dir, fileName('dump', name)), dump);
  return dump;
}

/** Every file in the directory that holds a test card number, with which. */
export function scanForCards(dir: string): {
  readonly files: number;
  readonly bytes: number;
  readonly findings: readonly string[];
} {
  const names = readdirSync(dir).filter((n) => n.startsWith('log.') || n.startsWith('dump.'));
  const findings: string[] = [];
  let bytes = 0;
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8');
    bytes += text.length;
    for (const card of TEST_CARD_NUMBERS)
      if (text.includes(card)) findings.push(`${name}: ${maskCard(card)}`);
  }
  return { files: names.length, bytes, findings };
}

function maskCard(card: string): string {
  return `${card.slice(0, 6)}${'*'.repeat(card.length - 10)}${card.slice(-4)}`;
}

function dumpValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
