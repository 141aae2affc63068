import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_TOKEN_LENGTH_MIN, type OperatorConfig } from './model.ts';

export const ADMIN_TOKEN_FILE = 'admin-token';
const ADMIN_TOKEN_PREFIX = 'tat_';
const ADMIN_TOKEN_BYTES = 32;
const OWNER_ONLY_MODE = 0o600;

export interface AdminToken {
  readonly token: string;
  /** `configured`: TALLY_ADMIN_TOKEN; `generated`: new this start; `persisted`: read back from the data dir. */
  readonly source: 'configured' | 'generated' | 'persisted';
}

export function generateAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(ADMIN_TOKEN_BYTES).toString('base64url')}`;
}

/**
 * The configured token, or one generated for embedded storage. A data dir
 * keeps it in `admin-token` (owner-only) so scripts survive a restart. Call it
 * after the data dir's lock is held, so two processes never race on the file.
 */
export async function resolveAdminToken(config: OperatorConfig): Promise<AdminToken> {
  if (config.adminToken !== undefined) return { token: config.adminToken, source: 'configured' };
  if (config.database.kind === 'postgres') {
    throw new Error('assertion: postgres without an admin token must fail in loadConfig');
  }
  if (config.database.kind === 'memory') return { token: generateAdminToken(), source: 'generated' };
  const path = join(config.database.dataDir, ADMIN_TOKEN_FILE);
  const stored = await readStoredToken(path);
  if (stored !== undefined) {
    await chmod(path, OWNER_ONLY_MODE);
    return { token: stored, source: 'persisted' };
  }
  const token = generateAdminToken();
  await writeFile(path, `${token}\n`, { mode: OWNER_ONLY_MODE });
  await chmod(path, OWNER_ONLY_MODE);
  return { token, source: 'generated' };
}

async function readStoredToken(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const token = text.trim();
  if (token.length < ADMIN_TOKEN_LENGTH_MIN) {
    throw new Error(`${path} does not hold a usable admin token; remove it to have a new one generated`);
  }
  return token;
}
