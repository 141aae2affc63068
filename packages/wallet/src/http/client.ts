import { withTimeout } from '@tallystick/protocol';
import { TallyApiError, TallyConnectionError, type TallyWalletError } from '../errors.ts';
import { connectionErrorOf, interpretAnswer, readTextLimited } from './body.ts';

export interface HttpClientOptions {
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` on calls that ask for it. */
  readonly apiKey?: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly retriesMax: number;
  readonly retryDelayMs: number;
  readonly responseBytesMax: number;
}

export interface CallOptions {
  /** Safe to send twice (GETs, or a POST re-sending the same signed JWS): only these are retried. */
  readonly idempotent: boolean;
  readonly authenticated: boolean;
  readonly body?: unknown;
  /** Chosen by the caller before the first attempt and kept for the retries. */
  readonly idempotencyKey?: string;
}

export interface HttpClient {
  call(method: 'GET' | 'POST', path: string, options: CallOptions): Promise<Record<string, unknown>>;
}

/** Statuses that mean "a peer failed, try again" (contract: 502/503/504 only for a failed peer; 429 to slow down). */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** JSON over `fetch`, isomorphic: a timeout on every call, bounded retries for idempotent ones. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const once = async (method: string, path: string, call: CallOptions) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.authenticated && options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    try {
      return await withTimeout(options.timeoutMs, async (signal) => {
        const response = await options.fetch(new URL(path, options.baseUrl), {
          method,
          headers,
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal,
        });
        const text = await readTextLimited(response, options.responseBytesMax);
        return interpretAnswer(response.status, text, response.headers.get('x-request-id'));
      });
    } catch (error) {
      throw connectionErrorOf(error);
    }
  };

  return {
    async call(method, path, call) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(method, path, call);
        } catch (error) {
          if (!call.idempotent || attempt >= options.retriesMax || !isRetryable(error as TallyWalletError))
            throw error;
          await sleep(backoffMs(options.retryDelayMs, attempt));
        }
      }
    },
  };
}

function isRetryable(error: TallyWalletError): boolean {
  if (error instanceof TallyConnectionError) return true;
  return (
    error instanceof TallyApiError &&
    error.statusCode !== undefined &&
    RETRYABLE_STATUSES.has(error.statusCode)
  );
}

function backoffMs(baseMs: number, attempt: number): number {
  const delay = baseMs * 2 ** attempt;
  return delay + Math.floor(Math.random() * (delay / 2));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
