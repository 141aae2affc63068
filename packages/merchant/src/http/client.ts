import { withTimeout } from '@tallystick/protocol';
import { MerchantApiError, MerchantConnectionError, type MerchantError } from '../errors.ts';
import { connectionErrorOf, interpretAnswer, readTextLimited } from './answer.ts';

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly retriesMax: number;
  readonly retryDelayMs: number;
  readonly responseBytesMax: number;
}

export interface CallOptions {
  /** Safe to send twice (GETs, re-sending the same signed record): only these are retried. */
  readonly idempotent: boolean;
  readonly authenticated: boolean;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

export interface HttpClient {
  call(method: 'GET' | 'POST', path: string, options: CallOptions): Promise<Record<string, unknown>>;
}

/** A peer failed (contract: 502/503/504) or asks to slow down (429): worth another try. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** JSON over `fetch` to the MTA: a timeout on every call, bounded retries for idempotent ones. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const once = async (method: string, path: string, call: CallOptions) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.authenticated) headers.authorization = `Bearer ${options.apiKey}`;
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
          if (!call.idempotent || attempt >= options.retriesMax || !isRetryable(error as MerchantError))
            throw error;
          const delayMs = options.retryDelayMs * 2 ** attempt;
          await new Promise((resolve) =>
            setTimeout(resolve, delayMs + Math.floor(Math.random() * (delayMs / 2))),
          );
        }
      }
    },
  };
}

function isRetryable(error: MerchantError): boolean {
  if (error instanceof MerchantConnectionError) return true;
  return (
    error instanceof MerchantApiError &&
    error.statusCode !== undefined &&
    RETRYABLE_STATUSES.has(error.statusCode)
  );
}
