import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, openTestOperator, type TestOperator } from '../../test/support/operator.ts';
import { createHttpApp, HTTP_LIMITS, type HttpApp } from './app.ts';

/** Routes anyone may call: published keys and health, nothing about a party. */
const PUBLIC_PATHS = new Set(['/healthz', '/v1/trust-list', '/.well-known/tally/operator.json']);

describe('HTTP edge of the operator node', () => {
  let op: TestOperator;
  beforeAll(async () => {
    op = await openTestOperator();
  });
  afterAll(async () => {
    await op?.close();
  });

  it('answers /healthz after checking the database', async () => {
    const res = await op.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      operatorId: 'test-op',
      currency: 'EUR',
      database: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with the 404 envelope', async () => {
    const res = await op.request('GET', '/v1/nothing?x=1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route GET /v1/nothing' },
      requestId: res.headers['x-request-id'],
    });
  });

  it.each([
    ['malformed JSON', '{"displayName": ', 'application/json', 400, 'body_malformed'],
    ['an empty JSON body', '', 'application/json', 400, 'body_malformed'],
    [
      'a prototype-poisoning body',
      '{"__proto__": {"admin": true}}',
      'application/json',
      400,
      'body_malformed',
    ],
    ['text/plain', 'hello', 'text/plain', 415, 'media_type_unsupported'],
    ['form data', 'a=1', 'application/x-www-form-urlencoded', 415, 'media_type_unsupported'],
  ])('refuses %s with a 4xx envelope', async (_name, payload, contentType, status, code) => {
    const before = await op.snapshot();
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: payload,
      headers: { 'content-type': contentType },
    });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await op.snapshot()).toEqual(before);
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: 'x'.repeat(HTTP_LIMITS.bodyBytesMax), publicJwk: {} },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('explains a schema mismatch in words, naming the field', async () => {
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: {
        displayName: 7,
        publicJwk: { kty: 'EC', crv: 'P-256', x: 'a' },
        creditLimitMinor: '-5',
        extra: 1,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request_invalid');
    expect(res.body.error.message).toContain('body.extra is not allowed');
    expect(res.body.error.message).toContain('body.displayName must be string');
    expect(res.body.error.message).toContain('body.creditLimitMinor must be a decimal string of minor units');
  });

  it('explains a bad path parameter and query string', async () => {
    const params = await op.request('GET', '/v1/accounts/%20bad', { as: 'admin' });
    expect(params.status).toBe(400);
    expect(params.body.error.message).toMatch(/^params\.accountId must be an account id/);
    const query = await op.request('GET', '/v1/accounts/x/transfers?limit=0', { as: 'admin' });
    expect(query.status).toBe(400);
    expect(query.body.error.message).toMatch(/^querystring\.limit/);
  });

  it('takes a number in a query string only as a plain decimal integer', async () => {
    const { accountId } = await op.customer();
    for (const limit of ['true', 'false', '1.5', '0x10', '1e2', '%2B7', '%207', '007', '', '7&limit=8']) {
      const res = await op.request('GET', `/v1/accounts/${accountId}/transfers?limit=${limit}`, {
        as: 'admin',
      });
      expect([limit, res.status, res.body.error?.code]).toEqual([limit, 400, 'request_invalid']);
      expect(res.body.error.message).toMatch(/^querystring\.limit /);
    }
    const ok = await op.request('GET', `/v1/accounts/${accountId}/transfers?limit=7`, { as: 'admin' });
    expect(ok.status).toBe(200);
  });

  it('refuses a path parameter over the router limit, or a broken escape, as 400 (not 500)', async () => {
    for (const url of [
      `/v1/accounts/${'x'.repeat(HTTP_LIMITS.paramLengthMax + 1)}`,
      `/v1/mta/transactions/${'x'.repeat(2_000)}`,
      '/v1/accounts/%zz',
    ]) {
      const before = await op.snapshot();
      const res = await op.request('GET', url, { as: 'admin' });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('request_invalid');
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
      expect(await op.snapshot()).toEqual(before);
    }
  });

  it('publishes OpenAPI 3.1 with every route, its schemas and its error responses', async () => {
    const res = await op.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(
      ([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
    // Every domain's routes must be documented; the list grows with the node, so check a superset.
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'GET /.well-known/tally/operator.json',
        'GET /healthz',
        'GET /v1/accounts/{accountId}',
        'GET /v1/accounts/{accountId}/transfers',
        'GET /v1/am/transactions/{transactionId}',
        'GET /v1/me',
        'GET /v1/mta/transactions/{transactionId}',
        'POST /v1/admin/accounts/{accountId}/fund',
        'POST /v1/am/clearing',
        'POST /v1/am/sessions',
        'POST /v1/am/sessions/{sessionId}/transactions',
        'POST /v1/am/transactions/{transactionId}/customer-record',
        'POST /v1/customers',
        'POST /v1/merchants',
        'POST /v1/mta/transactions',
        'POST /v1/mta/transactions/{transactionId}/customer-record',
        'POST /v1/mta/transactions/{transactionId}/merchant-record',
        'POST /v1/transfers',
        'PUT /v1/customers/{customerId}/credit-limit',
        'POST /v1/purchase-requests',
        'POST /v1/purchase-requests/{id}/answer',
        'POST /v1/tickets/check-in',
        'POST /v1/funding-instruments',
      ]),
    );
    for (const { path, operation } of operations) {
      expect(operation.responses['400'], path).toBeDefined();
      expect(operation.responses['500'].content['application/json'].schema.properties.error).toBeDefined();
      if (!PUBLIC_PATHS.has(path)) expect(operation.security, path).toBeDefined();
    }
    expect(doc.components.securitySchemes).toHaveProperty('adminToken');
  });

  it('serves the docs page and its assets from the package, not a CDN', async () => {
    const page = await op.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).not.toMatch(/https:|upgrade-insecure-requests/);
    const asset = await op.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
  });
});

describe('HTTP error handler on a bare app', () => {
  let app: HttpApp;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await createHttpApp({
      logLevel: 'info',
      logStream: { write: (line) => lines.push(line) },
      title: 't',
      version: '0',
    });
    app.get('/boom', async () => {
      throw new Error('database password is hunter2');
    });
    app.post(
      '/echo',
      { schema: { body: Type.Object({ n: Type.Integer() }) } },
      async (request) => request.body,
    );
    app.post('/bodyless', async () => ({ created: true }));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a body on a route that takes none, even one that parses as JSON', async () => {
    for (const payload of ['1', '{}', '"x"', 'null']) {
      const res = await app.inject({
        method: 'POST',
        url: '/bodyless',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.code).toBe('body_not_allowed');
    }
    const bare = await app.inject({ method: 'POST', url: '/bodyless' });
    expect(bare.statusCode).toBe(200);
    expect(bare.json()).toEqual({ created: true });
  });

  it('turns an unexpected error into 500 internal without leaking it, and logs it', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toEqual({
      code: 'internal',
      message: 'an unexpected error occurred; the request id identifies it in the logs',
    });
    expect(res.body).not.toContain('hunter2');
    expect(lines.join('\n')).toContain('hunter2');
  });

  it('does not coerce types in a body: "1" is not an integer', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { n: '1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('body.n must be integer');
  });

  it('redacts credentials from the logs', async () => {
    lines.length = 0;
    const secret = 'tsk_cus-aaaaaaaaaaaaaaaa_SECRETSECRETSECRETSECRETSECRETSECRETSECRE';
    app.log.info({ req: { headers: { authorization: `Bearer ${secret}` } }, apiKey: secret }, 'probe');
    await app.inject({ method: 'GET', url: '/boom', headers: { authorization: `Bearer ${secret}` } });
    expect(lines.join('\n')).not.toContain('SECRET');
    expect(lines.join('\n')).toContain('[redacted]');
  });
});
