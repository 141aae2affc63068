import { describe, expect, it } from 'vitest';
import {
  TallyAuthenticationError,
  TallyConnectionError,
  TallyOperatorError,
  TallyResponseError,
} from '../errors.ts';
import { createHttpClient } from './client.ts';

function client(
  answers: (() => Response | Promise<Response>)[],
  options: { responseBytesMax?: number } = {},
) {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  const http = createHttpClient({
    baseUrl: 'https://am.example',
    apiKey: 'tsk_key',
    fetch: async (input, init) => {
      seen.push({ url: String(input), init });
      const next = answers.shift();
      if (!next) throw new TypeError('no more answers');
      return next();
    },
    timeoutMs: 1_000,
    retriesMax: 2,
    retryDelayMs: 1,
    responseBytesMax: options.responseBytesMax ?? 1_024,
  });
  return { http, seen };
}

const post = { idempotent: false, authenticated: true, body: {} } as const;
const get = { idempotent: true, authenticated: false } as const;

describe('wallet HTTP client', () => {
  it('sends the bearer key only when asked and parses JSON objects', async () => {
    const { http, seen } = client([() => Response.json({ a: 1 }), () => Response.json({ b: 2 })]);
    expect(await http.call('POST', '/x', { ...post, idempotencyKey: 'k1' })).toEqual({ a: 1 });
    expect(await http.call('GET', '/y', get)).toEqual({ b: 2 });
    const headers = seen.map((s) => new Headers(s.init?.headers));
    expect(headers[0]?.get('authorization')).toBe('Bearer tsk_key');
    expect(headers[0]?.get('idempotency-key')).toBe('k1');
    expect(headers[1]?.get('authorization')).toBeNull();
  });

  it('maps the error envelope to a class by status, keeping code and request id', async () => {
    const envelope = (status: number) => () =>
      Response.json(
        { error: { code: `c${status}`, message: `m${status}` }, requestId: `r${status}` },
        { status },
      );
    const { http } = client([envelope(401), envelope(500)]);
    const auth = await http.call('POST', '/x', post).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(TallyAuthenticationError);
    expect(auth).toMatchObject({ code: 'c401', message: 'm401', statusCode: 401, requestId: 'r401' });
    await expect(http.call('POST', '/x', post)).rejects.toBeInstanceOf(TallyOperatorError); // not idempotent: no retry
  });

  it('retries idempotent calls on 502/503/504 and network errors, at most retriesMax times', async () => {
    const fail = () => new Response('{}', { status: 503, headers: { 'x-request-id': 'hdr-1' } });
    const { http, seen } = client([
      fail,
      () => Promise.reject(new TypeError('reset')),
      () => Response.json({ ok: true }),
    ]);
    expect(await http.call('GET', '/z', get)).toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    const { http: dead, seen: deadSeen } = client([fail, fail, fail, fail]);
    await expect(dead.call('GET', '/z', get)).rejects.toMatchObject({
      statusCode: 503,
      requestId: 'hdr-1',
      code: 'http_503',
    });
    expect(deadSeen).toHaveLength(3);
  });

  it('refuses non-JSON and oversized answers, and reports network failures', async () => {
    const { http } = client(
      [
        () => new Response('<html>'),
        () => new Response('x'.repeat(2_000)),
        () => Promise.reject(new TypeError('dns')),
      ],
      { responseBytesMax: 1_024 },
    );
    await expect(http.call('POST', '/a', post)).rejects.toMatchObject({
      name: 'TallyResponseError',
      code: 'bad_response',
    });
    await expect(http.call('POST', '/a', post)).rejects.toBeInstanceOf(TallyResponseError);
    await expect(http.call('POST', '/a', post)).rejects.toBeInstanceOf(TallyConnectionError);
  });
});
