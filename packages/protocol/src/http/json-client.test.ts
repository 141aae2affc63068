import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonClient, type JsonClientErrors } from './json-client.ts';

class TestError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}
const ERRORS: JsonClientErrors<TestError> = {
  peer: 'the peer',
  badResponse: (message, init) => new TestError('bad', message, init.statusCode),
  api: (status, code, message) => new TestError('api', message, status, code),
  connection: (kind, message) => new TestError(kind, message ?? kind),
};

// A real server on loopback: each path answers in its own way; `hits` counts the calls per path.
const hits = new Map<string, number>();
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((request, response): void => {
    const path = request.url ?? '';
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (path === '/ok')
      return void response.end(JSON.stringify({ auth: request.headers.authorization ?? null }));
    if (path === '/flaky') {
      response.statusCode = n < 3 ? 503 : 200;
      return void response.end(n < 3 ? '' : '{"n":3}');
    }
    if (path === '/refused') {
      response.statusCode = 409;
      return void response.end('{"error":{"code":"conflict","message":"no"}}');
    }
    if (path === '/big') return void response.end(`{"x":"${'a'.repeat(2_000)}"}`);
    if (path === '/array') return void response.end('[1]');
    if (path === '/slow') return void setTimeout(() => response.end('{}'), 300);
    response.statusCode = 404;
    response.end('not json');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  createJsonClient(
    { baseUrl, apiKey: 'k', fetch, timeoutMs: 100, retriesMax: 2, retryDelayMs: 1, responseBytesMax: 1_000 },
    ERRORS,
  );
const get = { idempotent: true, authenticated: false } as const;

describe('createJsonClient (real HTTP on loopback)', () => {
  it('answers the JSON object, with the bearer key only when asked', async () => {
    expect(await client().call('GET', '/ok', get)).toEqual({ auth: null });
    expect(await client().call('GET', '/ok', { ...get, authenticated: true })).toEqual({ auth: 'Bearer k' });
  });

  it('retries an idempotent call on 503 and not a non-idempotent one', async () => {
    expect(await client().call('GET', '/flaky', get)).toEqual({ n: 3 });
    expect(hits.get('/flaky')).toBe(3);
    hits.delete('/flaky');
    await expect(client().call('POST', '/flaky', { ...get, idempotent: false })).rejects.toMatchObject({
      kind: 'api',
      status: 503,
      code: 'http_503',
      message: 'the peer answered HTTP 503',
    });
    expect(hits.get('/flaky')).toBe(1);
  });

  it('maps the envelope, a body that is not JSON or not an object, and one over the limit, without retrying', async () => {
    await expect(client().call('GET', '/refused', get)).rejects.toMatchObject({
      kind: 'api',
      code: 'conflict',
    });
    expect(hits.get('/refused')).toBe(1);
    await expect(client().call('GET', '/nothing', get)).rejects.toMatchObject({ kind: 'bad', status: 404 });
    await expect(client().call('GET', '/array', get)).rejects.toMatchObject({ kind: 'bad', status: 200 });
    await expect(client().call('GET', '/big', get)).rejects.toMatchObject({
      kind: 'bad',
      message: 'body larger than 1000 bytes',
    });
    expect(hits.get('/big')).toBe(1);
  });

  it('times out a slow answer and retries it as a connection error', async () => {
    await expect(client().call('GET', '/slow', get)).rejects.toMatchObject({ kind: 'timeout' });
    expect(hits.get('/slow')).toBe(3);
  });
});
