import { readTextLimited as readProtocolTextLimited } from '@tallystick/protocol';
import { MerchantApiError, MerchantError } from '../errors.ts';

/** Reads at most `bytesMax` of a body: the MTA cannot make the merchant buffer without bound. */
export async function readTextLimited(response: Response, bytesMax: number): Promise<string> {
  const text = await readProtocolTextLimited(response, bytesMax);
  if (text === 'too_large') throw MerchantError.of('bad_response', `body larger than ${bytesMax} bytes`);
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
    throw MerchantError.of('bad_response', `HTTP ${status}, body is not JSON`, { cause });
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : undefined;
  if (status >= 200 && status < 300) {
    if (!body) throw MerchantError.of('bad_response', 'body is not a JSON object');
    return body as Record<string, unknown>;
  }
  const envelope = (body ?? {}) as { error?: { code?: unknown; message?: unknown }; requestId?: unknown };
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : `http_${status}`;
  const message =
    typeof envelope.error?.message === 'string' ? envelope.error.message : `the MTA answered HTTP ${status}`;
  const requestId =
    typeof envelope.requestId === 'string' ? envelope.requestId : (headerRequestId ?? undefined);
  throw new MerchantApiError(code, message, { statusCode: status, requestId });
}

export function connectionErrorOf(error: unknown): MerchantError {
  if (error instanceof MerchantError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return MerchantError.of('timeout', undefined, { cause: error });
  return MerchantError.of('network_error', (error as Error)?.message, { cause: error });
}
