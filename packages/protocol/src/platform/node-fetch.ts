import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BUFFERED_BODY } from '../http/body.ts';

/** Bounds of `createNodeFetch`: callers apply their own, smaller body limits on top. */
export const NODE_FETCH_RESPONSE_BYTES_MAX = 4 * 1024 * 1024;
export const NODE_FETCH_SOCKETS_PER_HOST_MAX = 256;

export interface NodeFetchOptions {
  readonly responseBytesMax?: number;
  readonly socketsPerHostMax?: number;
}

/**
 * A `fetch` for the JSON calls between Tallystick parties on Node, over
 * node:http(s) with keep-alive agents. Measured on loopback it costs about a
 * third of the CPU of the global (undici) `fetch` per call, which is most of
 * an HTTP hop's cost on a busy node. It takes what these calls use: a string
 * or URL, a method, plain headers, a string or byte body and an abort signal.
 * Redirects are never followed: a 3xx is returned as is, or refused under
 * `redirect: 'error'`. The whole response is read (at most
 * `responseBytesMax`) before the `Response` is handed back.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  const bytesMax = options.responseBytesMax ?? NODE_FETCH_RESPONSE_BYTES_MAX;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.socketsPerHostMax ?? NODE_FETCH_SOCKETS_PER_HOST_MAX,
    // Idle sockets close before Node servers' 5 s keep-alive timeout would close them under us.
    timeout: IDLE_SOCKET_TIMEOUT_MS,
  };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

  return async (input, init = {}) => {
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    if (!url) throw new TypeError('node fetch: pass a string or URL, not a Request');
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`node fetch: unsupported protocol ${url.protocol}`);
    }
    const body = bodyOf(init.body);
    const headers = headersOf(init.headers);
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const call: Call = {
      url,
      init,
      body,
      headers,
      bytesMax,
      agent: url.protocol === 'https:' ? agents.https : agents.http,
    };
    try {
      return await send(call);
    } catch (error) {
      // The server closed a kept-alive socket just as we reused it: it never read the request,
      // so sending it again on a fresh socket is safe (the retry Node's http docs describe).
      if (!(error instanceof StaleSocketError)) throw error;
      return send(call);
    }
  };
}

/** Below Node's default server `keepAliveTimeout` (5 s). */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

interface Call {
  readonly url: URL;
  readonly init: RequestInit;
  readonly body: Uint8Array | undefined;
  readonly headers: Record<string, string>;
  readonly bytesMax: number;
  readonly agent: HttpAgent;
}

class StaleSocketError extends TypeError {}

function send(call: Call): Promise<Response> {
  const { url, init, body, headers, bytesMax, agent } = call;
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw signal.reason;
    const start = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = start(url, { method: init.method ?? 'GET', headers, agent });
    let answered = false;
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error: NodeJS.ErrnoException) => {
      done();
      if (signal?.aborted) return reject(signal.reason);
      const stale = !answered && request.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? '');
      reject(new (stale ? StaleSocketError : TypeError)('fetch failed', { cause: error }));
    });
    request.on('response', (response) => {
      answered = true;
      if (init.redirect === 'error' && isRedirect(response.statusCode)) {
        response.destroy();
        done();
        reject(new TypeError('fetch failed: redirect refused'));
        return;
      }
      readAll(response, bytesMax).then(
        (bytes) => {
          done();
          resolve(responseOf(response, bytes));
        },
        (error: unknown) => {
          done();
          request.destroy();
          reject(signal?.aborted ? signal.reason : error);
        },
      );
    });
    request.end(body);
  });
}

function bodyOf(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  throw new TypeError('node fetch: the body must be a string or bytes');
}

function headersOf(init: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (init === undefined) return out;
  const entries =
    init instanceof Headers || Array.isArray(init) ? [...new Headers(init)] : Object.entries(init);
  for (const [name, value] of entries) out[name.toLowerCase()] = value;
  return out;
}

function isRedirect(status: number | undefined): boolean {
  return status !== undefined && status >= 300 && status < 400;
}

function readAll(response: IncomingMessage, bytesMax: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      length += chunk.byteLength;
      if (length > bytesMax) {
        // Reject first: destroying emits 'aborted', which would name the wrong cause.
        reject(new TypeError(`fetch failed: response larger than ${bytesMax} bytes`));
        response.destroy();
      } else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks, length)));
    response.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    response.on('aborted', () => reject(new TypeError('fetch failed: response aborted')));
  });
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function responseOf(response: IncomingMessage, bytes: Buffer): Response {
  const status = response.statusCode ?? 0;
  return new BufferedResponse(
    status,
    response.statusMessage ?? '',
    response.rawHeaders,
    NULL_BODY_STATUSES.has(status) ? null : bytes,
  ) as unknown as Response;
}

const utf8 = new TextDecoder();

/**
 * The parts of a WHATWG `Response` that callers of a JSON `fetch` use, over a
 * body already read into memory. Building undici's `Response` (its `Headers`,
 * a `ReadableStream`, the body mixin) cost more than the rest of the call;
 * here `headers` and `body` are made only when asked for, and readers that
 * know `BUFFERED_BODY` take the bytes as they are.
 */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  readonly url = '';
  readonly [BUFFERED_BODY]: Uint8Array | undefined;
  readonly #data: Buffer | null;
  #headers: Headers | undefined;
  #used = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: readonly string[],
    data: Buffer | null,
  ) {
    this.ok = status >= 200 && status < 300;
    this.#data = data;
    this[BUFFERED_BODY] = data ?? undefined;
  }

  get headers(): Headers {
    if (!this.#headers) {
      const headers = new Headers();
      const raw = this.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
      this.#headers = headers;
    }
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    const bytes = this.#data;
    if (bytes === null) return null;
    return new ReadableStream({
      start(controller) {
        if (bytes.byteLength > 0) controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    });
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  #consume(): Uint8Array {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#data ?? new Uint8Array(0);
  }

  async text(): Promise<string> {
    return utf8.decode(this.#consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.#consume());
  }

  clone(): BufferedResponse {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.status, this.statusText, this.rawHeaders, this.#data);
  }
}
