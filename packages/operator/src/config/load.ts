import { resolve } from 'node:path';
import { isCurrency } from '@tallystick/protocol';
import type { DatabaseTarget } from '../db/database.ts';
import { readBillingWebhook } from './billing-webhook.ts';
import { ConfigError } from './errors.ts';
import {
  ADMIN_TOKEN_LENGTH_MAX,
  ADMIN_TOKEN_LENGTH_MIN,
  type ConfigOverrides,
  DATA_DIR_ROOT_DEFAULT,
  HOST_DEFAULT,
  LOG_LEVEL_DEFAULT,
  LOG_LEVELS,
  type LogLevel,
  OPERATOR_ID_PATTERN,
  type OperatorConfig,
  PORT_DEFAULT,
} from './model.ts';
import { readPasskeyRelyingParty } from './passkeys.ts';
import { readRatesFile } from './rates-file.ts';
import { readAcquiringFee, readPeers, readRates } from './trading.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One value and the name it came from, so an error names what the user actually set. */
interface Setting {
  readonly value: string | undefined;
  readonly name: string;
}

const HOST_PATTERN = /^[A-Za-z0-9.:[\]-]{1,253}$/;
const PORT_PATTERN = /^[0-9]{1,5}$/;
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** Reads and checks the whole configuration; throws `ConfigError` naming the first bad setting. */
export function loadConfig(env: Environment, overrides: ConfigOverrides = {}): OperatorConfig {
  const operatorId = readOperatorId(pick(overrides.operatorId, '--id', env, 'TALLY_OPERATOR_ID'));
  const currency = readCurrency(pick(overrides.currency, '--currency', env, 'TALLY_CURRENCY'));
  const host = readHost(pick(overrides.host, '--host', env, 'TALLY_HOST'));
  const port = readPort(pick(overrides.port, '--port', env, 'TALLY_PORT'));
  const database = readDatabase(env, overrides, operatorId);
  const adminToken = readAdminToken(env, database);
  const logLevel = readLogLevel(pick(overrides.logLevel, '--log-level', env, 'LOG_LEVEL'));
  const peers = readPeers(env, operatorId);
  const rates = readRates(env);
  const ratesFile = readRatesFile(env);
  const acquiringFee = readAcquiringFee(env);
  const billingWebhook = readBillingWebhook(env);
  const passkeyRelyingParty = readPasskeyRelyingParty(env);
  return {
    operatorId,
    currency,
    host,
    port,
    database,
    logLevel,
    ...(adminToken ? { adminToken } : {}),
    ...(peers ? { peers } : {}),
    ...(rates ? { rates } : {}),
    ...(ratesFile ? { ratesFile } : {}),
    ...(acquiringFee ? { acquiringFee } : {}),
    ...(billingWebhook ? { billingWebhook } : {}),
    ...(passkeyRelyingParty ? { passkeyRelyingParty } : {}),
  };
}

function pick(flagValue: string | undefined, flag: string, env: Environment, envName: string): Setting {
  if (flagValue !== undefined) return { value: flagValue, name: flag };
  const fromEnv = env[envName];
  return { value: fromEnv === '' ? undefined : fromEnv, name: envName };
}

function readOperatorId({ value, name }: Setting): string {
  if (value === undefined) throw new ConfigError(name, 'is required (the operator id, e.g. "bank-a")');
  if (!OPERATOR_ID_PATTERN.test(value)) {
    throw new ConfigError(
      name,
      `${JSON.stringify(value)} is not a valid operator id (2-32 characters: lowercase letters, digits, "-"; starting with a letter or digit)`,
    );
  }
  return value;
}

function readCurrency({ value, name }: Setting): string {
  if (value === undefined) throw new ConfigError(name, 'is required (an ISO 4217 code, e.g. "EUR")');
  if (!isCurrency(value)) {
    throw new ConfigError(name, `${JSON.stringify(value)} is not an ISO 4217 code we support`);
  }
  return value;
}

function readHost({ value, name }: Setting): string {
  if (value === undefined) return HOST_DEFAULT;
  if (!HOST_PATTERN.test(value))
    throw new ConfigError(name, `${JSON.stringify(value)} is not a host name or IP`);
  return value;
}

function readPort({ value, name }: Setting): number {
  if (value === undefined) return PORT_DEFAULT;
  const port = PORT_PATTERN.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new ConfigError(
      name,
      `${JSON.stringify(value)} is not a port number (0-65535; 0 picks a free one)`,
    );
  }
  return port;
}

/** Explicit flags win; then DATABASE_URL (production); then a data dir; memory only when asked for. */
function readDatabase(env: Environment, overrides: ConfigOverrides, operatorId: string): DatabaseTarget {
  if (overrides.memory && overrides.dataDir !== undefined) {
    throw new ConfigError('--memory', 'cannot be combined with --data-dir');
  }
  if (overrides.memory) return { kind: 'memory' };
  if (overrides.dataDir !== undefined)
    return { kind: 'pglite', dataDir: readDataDir(overrides.dataDir, '--data-dir') };
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') return { kind: 'postgres', url: readDatabaseUrl(url) };
  const dataDir = env.TALLY_DATA_DIR;
  if (dataDir !== undefined && dataDir !== '') {
    return { kind: 'pglite', dataDir: readDataDir(dataDir, 'TALLY_DATA_DIR') };
  }
  return { kind: 'pglite', dataDir: resolve(DATA_DIR_ROOT_DEFAULT, operatorId) };
}

function readDataDir(value: string, name: string): string {
  if (value.trim() === '' || value.includes('\0'))
    throw new ConfigError(name, 'is not a usable directory path');
  return resolve(value);
}

/** Never echo the URL: it usually carries a password. */
function readDatabaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must be a postgres:// URL, not ${url.protocol}//`);
  }
  return value;
}

function readAdminToken(env: Environment, database: DatabaseTarget): string | undefined {
  const token = env.TALLY_ADMIN_TOKEN;
  if (token === undefined || token === '') {
    if (database.kind === 'postgres') {
      throw new ConfigError(
        'TALLY_ADMIN_TOKEN',
        'is required with DATABASE_URL (many node processes must share one admin token)',
      );
    }
    return undefined;
  }
  if (
    token.length < ADMIN_TOKEN_LENGTH_MIN ||
    token.length > ADMIN_TOKEN_LENGTH_MAX ||
    !TOKEN_PATTERN.test(token)
  ) {
    throw new ConfigError(
      'TALLY_ADMIN_TOKEN',
      `must be ${ADMIN_TOKEN_LENGTH_MIN}-${ADMIN_TOKEN_LENGTH_MAX} printable characters without spaces`,
    );
  }
  return token;
}

function readLogLevel({ value, name }: Setting): LogLevel {
  if (value === undefined) return LOG_LEVEL_DEFAULT;
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level) throw new ConfigError(name, `${JSON.stringify(value)} is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}
