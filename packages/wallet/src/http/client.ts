import {
  createJsonClient,
  type JsonCallOptions,
  type JsonClient,
  type JsonClientErrors,
  type JsonClientOptions,
} from '@tallystick/protocol';
import { apiErrorOf, TallyConnectionError, TallyResponseError, type TallyWalletError } from '../errors.ts';

export type HttpClientOptions = JsonClientOptions;
export type CallOptions = JsonCallOptions;
export type HttpClient = JsonClient;

/** The wallet's error classes for what the shared JSON client finds (protocol's `createJsonClient`). */
const WALLET_ERRORS: JsonClientErrors<TallyWalletError> = {
  peer: 'the operator',
  badResponse: (message, init) => new TallyResponseError('bad_response', message, init),
  api: (status, code, message, requestId) => apiErrorOf(status, code, message, requestId),
  connection: (kind, message, cause) => new TallyConnectionError(kind, message, { cause }),
};

/** JSON over `fetch` to an operator, isomorphic: a timeout on every call, bounded retries for idempotent ones. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return createJsonClient(options, WALLET_ERRORS);
}
