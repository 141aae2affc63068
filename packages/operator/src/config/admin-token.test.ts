import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, resolveAdminToken } from './admin-token.ts';
import type { OperatorConfig } from './model.ts';

const common = {
  operatorId: 'bank-a',
  currency: 'EUR',
  host: '127.0.0.1',
  port: 0,
  logLevel: 'silent',
} as const;

describe('resolveAdminToken', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tally-token-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured token as is', async () => {
    const config: OperatorConfig = { ...common, database: { kind: 'memory' }, adminToken: 'y'.repeat(40) };
    expect(await resolveAdminToken(config)).toEqual({ token: 'y'.repeat(40), source: 'configured' });
  });

  it('generates a fresh token for memory storage', async () => {
    const config: OperatorConfig = { ...common, database: { kind: 'memory' } };
    const first = await resolveAdminToken(config);
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^tat_[A-Za-z0-9_-]{43}$/);
    expect((await resolveAdminToken(config)).token).not.toBe(first.token);
  });

  it('persists a generated token in the data dir, owner-only, and reads it back after a restart', async () => {
    const config: OperatorConfig = { ...common, database: { kind: 'pglite', dataDir } };
    const first = await resolveAdminToken(config);
    expect(first.source).toBe('generated');
    const path = join(dataDir, ADMIN_TOKEN_FILE);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(first.token);
    expect(await resolveAdminToken(config)).toEqual({ token: first.token, source: 'persisted' });
  });

  it('refuses a token file that does not hold a usable token', async () => {
    await writeFile(join(dataDir, ADMIN_TOKEN_FILE), 'short\n');
    const config: OperatorConfig = { ...common, database: { kind: 'pglite', dataDir } };
    await expect(resolveAdminToken(config)).rejects.toThrow(/does not hold a usable admin token/);
  });
});
