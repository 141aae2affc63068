import { MERCHANT_ERROR_STATUS, MerchantError, type MerchantErrorCode } from '../errors.ts';
import { INFORMATION_BODY_BYTES_MAX } from '../limits.ts';

export type WebHandler = (request: Request) => Promise<Response>;

/**
 * The merchant's registered `endpointUrl` as a Web-standard handler: POST
 * `{ information }` -> 200 `{ merchantAck }`, errors in the network's
 * envelope `{ error: { code, message }, requestId }`.
 */
export function createInformationHandler(
  handle: (body: { information: string }) => Promise<{ merchantAck: string }>,
): WebHandler {
  return async (request) => {
    const requestId = crypto.randomUUID();
    try {
      if (request.method !== 'POST') throw MerchantError.of('method_not_allowed');
      const body = await readJson(request);
      return json(200, await handle(body as { information: string }), requestId);
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > INFORMATION_BODY_BYTES_MAX) throw MerchantError.of('body_too_large');
  const text = await request.text();
  if (Buffer.byteLength(text) > INFORMATION_BODY_BYTES_MAX) throw MerchantError.of('body_too_large');
  try {
    return JSON.parse(text);
  } catch {
    throw MerchantError.of('request_malformed', 'body is not JSON');
  }
}

function errorResponse(error: unknown, requestId: string): Response {
  const known = error instanceof MerchantError && error.code in MERCHANT_ERROR_STATUS;
  // An MTA refusal or a store failure is ours to log, not the caller's to read.
  const code: MerchantErrorCode = known ? (error.code as MerchantErrorCode) : 'internal_error';
  const message = known ? error.message : MerchantError.of('internal_error').message;
  return json(MERCHANT_ERROR_STATUS[code], { error: { code, message } }, requestId);
}

function json(status: number, body: object, requestId: string): Response {
  return new Response(JSON.stringify({ ...body, ...(status >= 400 ? { requestId } : {}) }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId },
  });
}
