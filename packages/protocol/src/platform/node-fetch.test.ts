import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBytesLimited, readTextLimited } from '../http/body.ts';
import { createNodeFetch } from './node-fetch.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      if (path === '/echo') {
        response.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r-1' });
        response.end(
          JSON.stringify({
            method: request.method,
            contentType: request.headers['content-type'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      } else if (path === '/big') response.end('x'.repeat(10_000));
      else if (path === '/redirect') response.writeHead(302, { location: '/echo' }).end();
      else if (path === '/empty') response.writeHead(204).end();
      else if (path === '/slow') setTimeout(() => response.end('late'), 2_000);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the node:http fetch', () => {
  const nodeFetch = createNodeFetch({ responseBytesMax: 4_096 });

  it('posts a body and returns status, headers and body like fetch, over kept-alive sockets', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await nodeFetch(new URL('/echo', base), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ n: i, text: 'grüße' }),
      });
      expect(response.status).toBe(201);
      expect(response.ok).toBe(true);
      expect(response.headers.get('x-request-id')).toBe('r-1');
      expect(await response.json()).toEqual({
        method: 'POST',
        contentType: 'application/json',
        body: JSON.stringify({ n: i, text: 'grüße' }),
      });
    }
  });

  it('refuses a response over the byte limit', async () => {
    await expect(nodeFetch(`${base}/big`)).rejects.toThrow(/larger than 4096 bytes/);
  });

  it('returns a redirect as is, or refuses it under redirect: error', async () => {
    const response = await nodeFetch(`${base}/redirect`);
    expect(response.status).toBe(302);
    await expect(nodeFetch(`${base}/redirect`, { redirect: 'error' })).rejects.toThrow(/redirect/);
  });

  it('handles bodiless answers', async () => {
    const response = await nodeFetch(`${base}/empty`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('rejects with the signal’s reason on a timeout, and when already aborted', async () => {
    await expect(nodeFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    await expect(nodeFetch(`${base}/echo`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('sends again on a fresh socket when a kept-alive one is reset before any answer', async () => {
    let served = 0;
    const dropping = createServer((request, response) => {
      served++;
      // The second request arrives on the reused socket: drop it unanswered, as a server closing it would.
      if (served === 2) request.socket.destroy();
      else response.end(`answer ${served}`);
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/`;
    try {
      const once = createNodeFetch();
      expect(await (await once(url, { method: 'POST', body: 'a' })).text()).toBe('answer 1');
      expect(await (await once(url, { method: 'POST', body: 'b' })).text()).toBe('answer 3');
      expect(served).toBe(3);
    } finally {
      dropping.closeAllConnections();
      await new Promise((resolve) => dropping.close(resolve));
    }
  });

  it("answers with a buffered body that reads once, as a stream, and within a reader's smaller bound", async () => {
    const url = `${base}/big`;
    const wide = createNodeFetch();
    const first = await wide(url);
    expect(first.bodyUsed).toBe(false);
    const copy = first.clone();
    expect((await first.text()).length).toBe(10_000);
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    const streamed = await readBytesLimited({ body: copy.body } as Response, 20_000);
    expect(streamed).not.toBe('too_large');
    expect((streamed as Uint8Array).byteLength).toBe(10_000);
    // The buffered fast path keeps the caller's bound, smaller than the fetch's own.
    expect(await readTextLimited(await wide(url), 9_999)).toBe('too_large');
    expect((await readTextLimited(await wide(url), 10_000)).length).toBe(10_000);
    const empty = await wide(`${base}/empty`, { method: 'DELETE' });
    expect(empty.body).toBeNull();
    expect(await readTextLimited(empty, 10)).toBe('');
  });

  it('fails like fetch when nothing listens', async () => {
    await expect(nodeFetch('http://127.0.0.1:1/')).rejects.toThrow(TypeError);
  });
});
