/** Errors of the HTTP layer itself, before or around any domain. Stable strings: they go on the wire. */
export const HTTP_ERRORS = [
  'request_invalid',
  'body_malformed',
  'body_too_large',
  'body_not_allowed',
  'media_type_unsupported',
  'not_found',
  'method_not_allowed',
  'request_timeout',
  'handler_timeout',
  'unauthenticated',
  'forbidden',
  'database_unavailable',
  'service_unavailable',
  'internal',
] as const;
export type HttpError = (typeof HTTP_ERRORS)[number];

export const HTTP_ERROR_STATUS: { readonly [k in HttpError]: number } = {
  request_invalid: 400,
  body_malformed: 400,
  body_too_large: 413,
  body_not_allowed: 400,
  media_type_unsupported: 415,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  handler_timeout: 503,
  unauthenticated: 401,
  forbidden: 403,
  database_unavailable: 503,
  service_unavailable: 503,
  internal: 500,
};

export const HTTP_ERROR_MESSAGES: { readonly [k in HttpError]: string } = {
  request_invalid: 'the request does not match the expected schema',
  body_malformed: 'the request body is not valid JSON',
  body_too_large: 'the request body is larger than allowed',
  body_not_allowed: 'this route takes no request body; send none',
  media_type_unsupported: 'the request body must be application/json',
  not_found: 'no such route',
  method_not_allowed: 'the method is not allowed on this route',
  request_timeout: 'the request took too long to arrive',
  handler_timeout: 'the node took too long to answer; retry with the same ids',
  unauthenticated: 'missing or invalid credentials (Authorization: Bearer <admin token or API key>)',
  forbidden: 'these credentials may not use this route',
  database_unavailable: 'the database is not reachable',
  service_unavailable: 'the node is shutting down',
  internal: 'an unexpected error occurred; the request id identifies it in the logs',
};
