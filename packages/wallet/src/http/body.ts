import { readTextLimited as readProtocolTextLimited } from '@tallystick/protocol';
import { apiErrorOf, TallyConnectionError, TallyResponseError, TallyWalletError } from '../errors.ts';

/** Reads at most `bytesMax` of a body: an operator cannot make the wallet buffer without bound. */
export async function readTextLimited(response: Response, bytesMax: number): Promise<string> {
  const text = await readProtocolTextLimited(response, bytesMax);
  if (text === 'too_large')
    throw new TallyResponseError('bad_response', `body larger than ${bytesMax} bytes`);
  return text;
}

/** An answer's JSON object, or the error its envelope describes. */
export function interpretAnswer(
  status: number,
  text: string,
  headerRequestId: string | null,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch (cause) {
    throw new TallyResponseError('bad_response', `HTTP ${status}, body is not JSON`, {
      statusCode: status,
      cause,
    });
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  if (status >= 200 && status < 300) {
    if (!body)
      throw new TallyResponseError('bad_response', 'body is not a JSON object', { statusCode: status });
    return body as Record<string, unknown>;
  }
  const envelope = (body ?? {}) as { error?: { code?: unknown; message?: unknown }; requestId?: unknown };
  const requestId =
    typeof envelope.requestId === 'string' ? envelope.requestId : (headerRequestId ?? undefined);
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : `http_${status}`;
  const message =
    typeof envelope.error?.message === 'string'
      ? envelope.error.message
      : `the operator answered HTTP ${status}`;
  throw apiErrorOf(status, code, message, requestId);
}

/** Maps what `fetch` throws (or a timed-out body read) to a connection error; wallet errors pass through. */
export function connectionErrorOf(error: unknown): TallyWalletError {
  if (error instanceof TallyWalletError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new TallyConnectionError('timeout', undefined, { cause: error });
  return new TallyConnectionError('network_error', (error as Error)?.message, { cause: error });
}
