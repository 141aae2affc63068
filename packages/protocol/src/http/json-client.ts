import { readTextLimited } from './body.ts';
import { withTimeout } from './timeout.ts';

/**
 * How an SDK names what went wrong: the shared client decides *what* failed
 * (and whether it is worth another try), each SDK keeps its own error classes.
 */
export interface JsonClientErrors<E extends Error> {
  /** The answer could not be used: too large, not JSON, or not an object. `statusCode` when one was read. */
  badResponse(message: string, init: { readonly statusCode?: number; readonly cause?: unknown }): E;
  /** A non-2xx answer, with its envelope's code and message (or `http_<status>` and a generic one). */
  api(status: number, code: string, message: string, requestId: string | undefined): E;
  /** No answer: `fetch` threw, or the call (body read included) ran out of time. */
  connection(kind: 'timeout' | 'network_error', message: string | undefined, cause: unknown): E;
  /** Who answers, for the generic message of an envelope-less error: "the operator", "the MTA". */
  readonly peer: string;
}

export interface JsonClientOptions {
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` on calls that ask for it. */
  readonly apiKey?: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly retriesMax: number;
  readonly retryDelayMs: number;
  readonly responseBytesMax: number;
}

export interface JsonCallOptions {
  /** Safe to send twice (GETs, or a POST re-sending the same signed message): only these are retried. */
  readonly idempotent: boolean;
  readonly authenticated: boolean;
  readonly body?: unknown;
  /** Chosen by the caller before the first attempt and kept for the retries. */
  readonly idempotencyKey?: string;
}

export interface JsonClient {
  call(method: 'GET' | 'POST', path: string, options: JsonCallOptions): Promise<Record<string, unknown>>;
}

/** A peer failed (contract: 502/503/504 only for a failed peer) or asks to slow down (429): worth another try. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * JSON over `fetch`, isomorphic, shared by the wallet and merchant SDKs: a
 * timeout on every call (the body read inside it), a bounded body, the error
 * envelope `{ error: { code, message }, requestId }` mapped through the SDK's
 * `errors`, and bounded retries with jittered backoff for idempotent calls on
 * connection errors and 429/502/503/504.
 */
export function createJsonClient<E extends Error>(
  options: JsonClientOptions,
  errors: JsonClientErrors<E>,
): JsonClient {
  /** The errors this client made that are worth another try (connection errors, 429/502/503/504). */
  const retryable = new WeakSet<Error>();
  const make = (error: E, retry: boolean): E => {
    if (retry) retryable.add(error);
    return error;
  };

  const interpret = (status: number, text: string, headerRequestId: string | null) => {
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch (cause) {
      throw make(
        errors.badResponse(`HTTP ${status}, body is not JSON`, { statusCode: status, cause }),
        false,
      );
    }
    const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
    if (status >= 200 && status < 300) {
      if (!body) throw make(errors.badResponse('body is not a JSON object', { statusCode: status }), false);
      return body as Record<string, unknown>;
    }
    const envelope = (body ?? {}) as { error?: { code?: unknown; message?: unknown }; requestId?: unknown };
    const requestId =
      typeof envelope.requestId === 'string' ? envelope.requestId : (headerRequestId ?? undefined);
    const code = typeof envelope.error?.code === 'string' ? envelope.error.code : `http_${status}`;
    const message =
      typeof envelope.error?.message === 'string'
        ? envelope.error.message
        : `${errors.peer} answered HTTP ${status}`;
    throw make(errors.api(status, code, message, requestId), RETRYABLE_STATUSES.has(status));
  };

  const connectionError = (error: unknown): E => {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return make(errors.connection('timeout', undefined, error), true);
    return make(errors.connection('network_error', (error as Error)?.message, error), true);
  };

  const once = async (method: string, path: string, call: JsonCallOptions) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.authenticated && options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    // Only the exchange is inside the catch: what it throws is a connection error; the answer is read after.
    let answer: { status: number; text: string | 'too_large'; requestId: string | null };
    try {
      answer = await withTimeout(options.timeoutMs, async (signal) => {
        const response = await options.fetch(new URL(path, options.baseUrl), {
          method,
          headers,
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal,
        });
        const text = await readTextLimited(response, options.responseBytesMax);
        return { status: response.status, text, requestId: response.headers.get('x-request-id') };
      });
    } catch (error) {
      throw connectionError(error);
    }
    if (answer.text === 'too_large') {
      throw make(errors.badResponse(`body larger than ${options.responseBytesMax} bytes`, {}), false);
    }
    return interpret(answer.status, answer.text, answer.requestId);
  };

  return {
    async call(method, path, call) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(method, path, call);
        } catch (error) {
          if (!call.idempotent || attempt >= options.retriesMax || !retryable.has(error as Error))
            throw error;
          await sleep(backoffMs(options.retryDelayMs, attempt));
        }
      }
    },
  };
}

/** Exponential, with up to half again of jitter so that clients retrying together spread out. */
function backoffMs(baseMs: number, attempt: number): number {
  const delay = baseMs * 2 ** attempt;
  return delay + Math.floor(Math.random() * (delay / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
