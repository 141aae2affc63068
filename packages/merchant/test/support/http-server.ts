import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body; fake operators read their string fields with `field`. */
  readonly body: unknown;
}
export interface JsonAnswer {
  readonly status: number;
  readonly body?: unknown;
}
export type JsonRoute = (request: JsonRequest) => Promise<JsonAnswer>;

export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0, answering JSON; for playing an operator in tests. */
export async function startJsonServer(route: JsonRoute): Promise<TestServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      };
      route(request)
        .catch((error: Error) => ({ status: 500, body: envelope('internal', error.message) }))
        .then((answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        });
    });
  });
  return listen(server);
}

export async function listen(server: Server): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let requests = 0;
export function envelope(code: string, message = code) {
  return { error: { code, message }, requestId: `req-${++requests}` };
}

/** A string field of a JSON body, or '' (a signed message that will then fail to verify). */
export function field(request: JsonRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

export function bearer(request: JsonRequest): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}
