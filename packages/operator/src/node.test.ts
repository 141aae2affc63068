import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, signMessage } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratchPostgres,
  type Json,
  openTestOperator,
  type TestOperator,
} from '../test/support/operator.ts';
import { loadConfig } from './config/load.ts';
import type { OperatorConfig } from './config/model.ts';
import { type OperatorNode, startOperatorNode } from './node.ts';

/** A JSON call over a real socket. */
async function call(
  url: string,
  init: { method?: string; token?: string; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const payload = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
}

/** Streams a body without a content-length, so the limit is enforced while reading, not up front. */
function postChunked(url: string, token: string, bytes: number): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    const chunk = `"${'x'.repeat(1024)}",`;
    req.write('[');
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end('0]');
  });
}

/** The whole money path a client takes, over HTTP: register, fund, look, pay, look again. */
async function exerciseOverHttp(url: string, adminToken: string, operatorId: string) {
  const customerKey = await generateSigningKey();
  const merchantKey = await generateSigningKey('EdDSA');
  const customer = await call(`${url}/v1/customers`, {
    method: 'POST',
    token: adminToken,
    body: { displayName: 'Ada', publicJwk: customerKey.publicJwk, creditLimitMinor: '500' },
  });
  expect(customer.status).toBe(201);
  const merchant = await call(`${url}/v1/merchants`, {
    method: 'POST',
    token: adminToken,
    body: {
      displayName: 'Kiosk',
      publicJwk: merchantKey.publicJwk,
      endpointUrl: 'https://kiosk.example/tally',
    },
  });
  expect(merchant.status).toBe(201);
  const funded = await call(`${url}/v1/admin/accounts/${customer.body.accountId}/fund`, {
    method: 'POST',
    token: adminToken,
    body: { transferId: 'topup-1', amountMinor: '1500', currency: 'EUR' },
  });
  expect(funded.status).toBe(201);

  const jws = await signMessage(customerKey, {
    mty: 'tally.transfer',
    iss: customer.body.customerId,
    aud: operatorId,
    body: {
      transferId: 'coffee-1',
      fromAccountId: customer.body.accountId,
      toAccountId: merchant.body.accountId,
      amountMinor: '350',
      currency: 'EUR',
    },
  });
  const paid = await call(`${url}/v1/transfers`, {
    method: 'POST',
    token: customer.body.apiKey,
    body: { jws },
  });
  expect(paid.status).toBe(201);
  const replayed = await call(`${url}/v1/transfers`, {
    method: 'POST',
    token: customer.body.apiKey,
    body: { jws },
  });
  expect([replayed.status, replayed.body.error.code]).toEqual([409, 'jws_replayed']);

  const mine = await call(`${url}/v1/accounts/${customer.body.accountId}`, { token: customer.body.apiKey });
  expect(mine.body).toMatchObject({ postedMinor: '1650', availableMinor: '1650' });
  const theirs = await call(`${url}/v1/accounts/${customer.body.accountId}`, { token: merchant.body.apiKey });
  expect([theirs.status, theirs.body.error.code]).toEqual([404, 'account_not_found']);
  const statement = await call(`${url}/v1/accounts/${merchant.body.accountId}/transfers`, {
    token: merchant.body.apiKey,
  });
  expect(statement.body.transfers.map((t: { amountMinor: string }) => t.amountMinor)).toEqual(['350']);

  const malformed = await call(`${url}/v1/customers`, {
    method: 'POST',
    token: adminToken,
    raw: '{"displayName":',
  });
  expect([malformed.status, malformed.body.error.code]).toEqual([400, 'body_malformed']);
  expect(malformed.body.requestId).toBe(malformed.headers.get('x-request-id'));
  const tooLarge = await postChunked(`${url}/v1/customers`, adminToken, 100 * 1024);
  expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'body_too_large']);
  return { customer: customer.body, customerKey };
}

describe('operator node over real HTTP, on the test database engine', () => {
  let op: TestOperator;
  let url: string;
  beforeAll(async () => {
    op = await openTestOperator();
    url = await op.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await op?.close();
  });

  it('takes a client through registration, funding, a signed payment and statements', async () => {
    await exerciseOverHttp(url, op.adminToken, 'test-op');
  });
});

describe('startOperatorNode', () => {
  const base = (overrides: object): OperatorConfig => ({
    ...loadConfig({ TALLY_OPERATOR_ID: 'node-a', TALLY_CURRENCY: 'EUR', LOG_LEVEL: 'silent' }, { port: '0' }),
    ...overrides,
  });

  it('runs in memory: health over HTTP, a generated admin token, and a close that can be called twice', async () => {
    const node = await startOperatorNode(base({ database: { kind: 'memory' } }));
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(node.adminTokenSource).toBe('generated');
    const health = await call(`${node.url}/healthz`);
    expect(health.body).toEqual({ status: 'ok', operatorId: 'node-a', currency: 'EUR', database: 'pglite' });
    const accounts = await node.ledger.lookupAccounts([
      node.operatorAccounts.fundingAccountId,
      node.operatorAccounts.creditLineAccountId,
    ]);
    expect(accounts.map((a) => [a.id, a.kind, a.flags])).toEqual([
      ['op.node-a.funding.EUR', 'operator_funding', 0],
      ['op.node-a.credit.EUR', 'operator_credit_line', 0],
    ]);
    await Promise.all([node.close(), node.close()]);
    await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
  });

  it('keeps parties, books and the admin token across a restart on a data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tally-node-'));
    try {
      const config = base({ database: { kind: 'pglite', dataDir } });
      const first = await startOperatorNode(config);
      const { customer } = await exerciseOverHttp(first.url, first.adminToken, 'node-a');
      await first.close();

      const second = await startOperatorNode(config);
      expect([second.adminToken, second.adminTokenSource]).toEqual([first.adminToken, 'persisted']);
      const me = await call(`${second.url}/v1/me`, { token: customer.apiKey });
      expect(me.body.partyId).toBe(customer.customerId);
      const account = await call(`${second.url}/v1/accounts/${customer.accountId}`, {
        token: second.adminToken,
      });
      expect(account.body.postedMinor).toBe('1650');
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('expires holds in the background with the ledger sweeper', async () => {
    const node = await startOperatorNode(base({ database: { kind: 'memory' } }));
    try {
      const { fundingAccountId, creditLineAccountId } = node.operatorAccounts;
      const held = await node.ledger.createTransfers([
        {
          id: 'hold-1',
          kind: 'pending',
          debitAccountId: fundingAccountId,
          creditAccountId: creditLineAccountId,
          amountMinor: 10n,
          currency: 'EUR',
          timeoutSeconds: 1,
        },
      ]);
      expect(held).toMatchObject([{ ok: true }]);
      await expect
        .poll(async () => (await node.ledger.lookupTransfers(['hold-1']))[0]?.pendingStatus, {
          timeout: 10_000,
        })
        .toBe('expired');
    } finally {
      await node.close();
    }
  });

  it('runs on PostgreSQL from DATABASE_URL (when TEST_DATABASE_URL is set)', async (context) => {
    const scratch = await createScratchPostgres();
    if (!scratch) return context.skip();
    let node: OperatorNode | undefined;
    try {
      const config = loadConfig(
        {
          TALLY_OPERATOR_ID: 'node-pg',
          TALLY_CURRENCY: 'EUR',
          DATABASE_URL: scratch.url,
          TALLY_ADMIN_TOKEN: 'p'.repeat(40),
          LOG_LEVEL: 'silent',
        },
        { port: '0' },
      );
      node = await startOperatorNode(config);
      expect((await call(`${node.url}/healthz`)).body.database).toBe('postgres');
      await exerciseOverHttp(node.url, 'p'.repeat(40), 'node-pg');
    } finally {
      await node?.close();
      await scratch.drop();
    }
  });
});
