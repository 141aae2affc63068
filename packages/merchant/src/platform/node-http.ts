import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFORMATION_BODY_BYTES_MAX } from '../limits.ts';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Mounts a Web-standard handler on `node:http` (or Express/Connect, which
 * pass the same objects). Reads at most `bodyBytesMax` of the body.
 *
 * @example
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(merchant.informationHandler())).listen(8080);
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  options: { readonly bodyBytesMax?: number } = {},
): NodeListener {
  const bodyBytesMax = options.bodyBytesMax ?? INFORMATION_BODY_BYTES_MAX;
  return (req, res) => {
    void serve(handler, req, res, bodyBytesMax).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    });
  };
}

async function serve(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  bodyBytesMax: number,
): Promise<void> {
  const body = await readBody(req, bodyBytesMax);
  if (body === 'too_large') {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end(
      JSON.stringify({
        error: { code: 'body_too_large', message: 'the request body is larger than allowed' },
      }),
    );
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const method = req.method ?? 'GET';
  const init: RequestInit = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') init.body = new Uint8Array(body);
  const request = new Request(url, init);
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

function readBody(req: IncomingMessage, bytesMax: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.byteLength;
      if (length > bytesMax) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
