import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load.ts';

const TOKEN = 'x'.repeat(40);
const base = { TALLY_OPERATOR_ID: 'bank-a', TALLY_CURRENCY: 'EUR' };

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads defaults: loopback host, port 7070, a data dir named after the operator, info logs', () => {
    expect(loadConfig(base)).toEqual({
      operatorId: 'bank-a',
      currency: 'EUR',
      host: '127.0.0.1',
      port: 7070,
      database: { kind: 'pglite', dataDir: resolve('.tally/bank-a') },
      logLevel: 'info',
    });
  });

  it('lets command-line values win over the environment', () => {
    const config = loadConfig(
      { ...base, TALLY_PORT: '1', TALLY_HOST: '0.0.0.0' },
      { operatorId: 'bank-b', currency: 'USD', port: '0', host: '::1', logLevel: 'silent' },
    );
    expect(config).toMatchObject({
      operatorId: 'bank-b',
      currency: 'USD',
      port: 0,
      host: '::1',
      logLevel: 'silent',
    });
  });

  it('chooses storage: flags, then DATABASE_URL, then TALLY_DATA_DIR, then the default data dir', () => {
    const url = 'postgres://root@127.0.0.1:5432/tally';
    const env = { ...base, DATABASE_URL: url, TALLY_ADMIN_TOKEN: TOKEN };
    expect(loadConfig(env).database).toEqual({ kind: 'postgres', url });
    expect(loadConfig(env, { memory: true }).database).toEqual({ kind: 'memory' });
    expect(loadConfig(env, { dataDir: 'x/y' }).database).toEqual({ kind: 'pglite', dataDir: resolve('x/y') });
    expect(loadConfig({ ...base, TALLY_DATA_DIR: '/tmp/d' }).database).toEqual({
      kind: 'pglite',
      dataDir: '/tmp/d',
    });
  });

  it('keeps a configured admin token and requires one with PostgreSQL', () => {
    expect(loadConfig({ ...base, TALLY_ADMIN_TOKEN: TOKEN }).adminToken).toBe(TOKEN);
    const error = failure(() => loadConfig({ ...base, DATABASE_URL: 'postgres://h/db' }));
    expect(error.setting).toBe('TALLY_ADMIN_TOKEN');
    expect(error.message).toMatch(/^TALLY_ADMIN_TOKEN: is required with DATABASE_URL/);
  });

  it.each([
    [{ ...base, TALLY_CURRENCY: 'EURO' }, {}, 'TALLY_CURRENCY: "EURO" is not an ISO 4217 code we support'],
    [base, { currency: 'eur' }, '--currency: "eur" is not an ISO 4217 code we support'],
    [{ TALLY_CURRENCY: 'EUR' }, {}, 'TALLY_OPERATOR_ID: is required'],
    [{ ...base, TALLY_OPERATOR_ID: 'Bank_A' }, {}, 'TALLY_OPERATOR_ID: "Bank_A" is not a valid operator id'],
    [base, { operatorId: 'a' }, '--id: "a" is not a valid operator id'],
    [base, { operatorId: 'x'.repeat(33) }, '--id:'],
    [{ TALLY_OPERATOR_ID: 'bank-a' }, {}, 'TALLY_CURRENCY: is required'],
    [{ ...base, TALLY_PORT: '70000' }, {}, 'TALLY_PORT: "70000" is not a port number'],
    [base, { port: '80a' }, '--port: "80a" is not a port number'],
    [base, { port: '-1' }, '--port: "-1" is not a port number'],
    [base, { host: 'a b' }, '--host: "a b" is not a host name or IP'],
    [
      { ...base, LOG_LEVEL: 'loud' },
      {},
      'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ],
    [
      { ...base, DATABASE_URL: 'mysql://h/db', TALLY_ADMIN_TOKEN: TOKEN },
      {},
      'DATABASE_URL: must be a postgres:// URL',
    ],
    [{ ...base, DATABASE_URL: 'not a url' }, {}, 'DATABASE_URL: is not a URL'],
    [{ ...base, TALLY_ADMIN_TOKEN: 'short' }, {}, 'TALLY_ADMIN_TOKEN: must be 32-256 printable characters'],
    [{ ...base, TALLY_ADMIN_TOKEN: `${TOKEN} x` }, {}, 'TALLY_ADMIN_TOKEN: must be 32-256'],
    [base, { memory: true, dataDir: '/tmp/x' }, '--memory: cannot be combined with --data-dir'],
  ])('refuses a bad setting and names it: %j %j', (env, overrides, message) => {
    expect(failure(() => loadConfig(env, overrides)).message).toContain(message);
  });

  it('never echoes a database URL (it carries the password)', () => {
    const error = failure(() => loadConfig({ ...base, DATABASE_URL: 'mysql://user:secret@h/db' }));
    expect(error.message).not.toContain('secret');
  });
});
