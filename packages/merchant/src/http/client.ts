import {
  createJsonClient,
  type JsonCallOptions,
  type JsonClient,
  type JsonClientErrors,
  type JsonClientOptions,
} from '@tallystick/protocol';
import { MerchantApiError, MerchantError } from '../errors.ts';

export type HttpClientOptions = JsonClientOptions & { readonly apiKey: string };
export type CallOptions = JsonCallOptions;
export type HttpClient = JsonClient;

/** The merchant SDK's error classes for what the shared JSON client finds (protocol's `createJsonClient`). */
const MERCHANT_ERRORS: JsonClientErrors<MerchantError> = {
  peer: 'the MTA',
  // `of` gives the SDK's own status for `bad_response`, not the MTA's.
  badResponse: (message, { cause }) =>
    MerchantError.of('bad_response', message, cause === undefined ? {} : { cause }),
  api: (status, code, message, requestId) =>
    new MerchantApiError(code, message, { statusCode: status, requestId }),
  connection: (kind, message, cause) => MerchantError.of(kind, message, { cause }),
};

/** JSON over `fetch` to the MTA: a timeout on every call, bounded retries for idempotent ones. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return createJsonClient(options, MERCHANT_ERRORS);
}
