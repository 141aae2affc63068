import { generateSigningKey, type SigningAlgorithm, type SigningKey } from '@tallystick/protocol';
import { sql } from 'kysely';
import pg from 'pg';
import { generateAdminToken } from '../../src/config/admin-token.ts';
import { LOG_LEVELS, type LogLevel } from '../../src/config/model.ts';
import type { Database } from '../../src/db/database.ts';
import { buildOperator, type Operator } from '../../src/node.ts';
import { openTestDatabase } from './database.ts';

export const TEST_OPERATOR_ID = 'test-op';
export const TEST_CURRENCY = 'EUR';

/** A response body in a test: the assertions check its shape, so the type does not have to. */
// biome-ignore lint/suspicious/noExplicitAny: see above; one alias instead of casts in every assertion.
export type Json = any;

export interface InjectResult {
  readonly status: number;
  readonly body: Json;
  readonly headers: Record<string, unknown>;
}

export interface TestParty {
  readonly id: string;
  readonly accountId: string;
  readonly apiKey: string;
  readonly key: SigningKey;
}

export interface TestOperator extends Operator {
  readonly db: Database;
  readonly adminToken: string;
  /** A JSON request as the admin (`as: 'admin'`), a party (its API key), or anonymous. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options?: { readonly as?: string; readonly body?: unknown; readonly headers?: Record<string, string> },
  ): Promise<InjectResult>;
  customer(options?: {
    readonly creditLimitMinor?: string;
    readonly alg?: SigningAlgorithm;
  }): Promise<TestParty>;
  merchant(options?: { readonly alg?: SigningAlgorithm }): Promise<TestParty>;
  fund(accountId: string, amountMinor: string): Promise<void>;
  /** Everything a refused request must not change: balances and every row count. */
  snapshot(): Promise<unknown>;
  close(): Promise<void>;
}

/** A wired operator on a fresh test database (PGlite, or PostgreSQL with TEST_DATABASE_URL), driven by inject. */
export async function openTestOperator(options: { readonly clock?: () => Date } = {}): Promise<TestOperator> {
  const db = await openTestDatabase();
  const adminToken = generateAdminToken();
  const operator = await buildOperator({
    config: { operatorId: TEST_OPERATOR_ID, currency: TEST_CURRENCY, logLevel: testLogLevel() },
    db,
    adminToken,
    ...options,
  });
  let fundings = 0;

  const request: TestOperator['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as !== undefined) headers.authorization = `Bearer ${opts.as === 'admin' ? adminToken : opts.as}`;
    const payload =
      typeof opts.body === 'string'
        ? opts.body
        : opts.body === undefined
          ? undefined
          : JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await operator.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    const text = response.body;
    return {
      status: response.statusCode,
      body: text === '' ? undefined : safeJson(text),
      headers: response.headers,
    };
  };

  const register = async (kind: 'customers' | 'merchants', body: object, alg: SigningAlgorithm = 'ES256') => {
    const key = await generateSigningKey(alg);
    const res = await request('POST', `/v1/${kind}`, {
      as: 'admin',
      body: { ...body, publicJwk: key.publicJwk },
    });
    if (res.status !== 201) throw new Error(`registration failed: ${JSON.stringify(res.body)}`);
    const id = res.body.customerId ?? res.body.merchantId;
    return { id, accountId: res.body.accountId, apiKey: res.body.apiKey, key };
  };

  return {
    ...operator,
    db,
    adminToken,
    request,
    customer: (o = {}) =>
      register(
        'customers',
        {
          displayName: 'Test Customer',
          ...(o.creditLimitMinor ? { creditLimitMinor: o.creditLimitMinor } : {}),
        },
        o.alg,
      ),
    merchant: (o = {}) =>
      register(
        'merchants',
        { displayName: 'Test Merchant', endpointUrl: 'https://shop.example/tally' },
        o.alg,
      ),
    async fund(accountId, amountMinor) {
      const res = await request('POST', `/v1/admin/accounts/${accountId}/fund`, {
        as: 'admin',
        body: { transferId: `test-funding-${++fundings}`, amountMinor, currency: TEST_CURRENCY },
      });
      if (res.status !== 201) throw new Error(`funding failed: ${JSON.stringify(res.body)}`);
    },
    snapshot: () => snapshot(db),
    async close() {
      await operator.app.close();
      await db.close();
    },
  };
}

async function snapshot(db: Database): Promise<unknown> {
  const accounts = await db.kysely.selectFrom('ledger_accounts').selectAll().orderBy('id').execute();
  const counts = await sql<Record<string, bigint>>`
    select
      (select count(*) from ledger_transfers) as transfers,
      (select count(*) from parties) as parties,
      (select count(*) from party_keys) as keys,
      (select count(*) from credit_limit_changes) as limit_changes`.execute(db.kysely);
  return { accounts, counts: counts.rows[0] };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** TEST_LOG_LEVEL=debug shows the node's logs when a test needs explaining. */
function testLogLevel(): LogLevel {
  const level = process.env.TEST_LOG_LEVEL;
  return LOG_LEVELS.find((l) => l === level) ?? 'silent';
}

/** With TEST_DATABASE_URL: a new empty PostgreSQL database for a whole node (its URL), dropped by `drop`. */
export async function createScratchPostgres(): Promise<
  { readonly url: string; drop(): Promise<void> } | undefined
> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `tally_node_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
