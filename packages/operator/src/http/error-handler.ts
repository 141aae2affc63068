import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendHttpError } from './envelope.ts';
import type { HttpError } from './errors.ts';
import { describeIssues } from './validation.ts';

/** Fastify's own error codes, each turned into one of ours. Anything else with a 4xx status falls back by status. */
const FASTIFY_CODES: Readonly<Record<string, HttpError>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_malformed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_malformed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'body_malformed',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media_type_unsupported',
  FST_ERR_BAD_URL: 'request_invalid',
  FST_ERR_MAX_PARAM_LENGTH: 'request_invalid',
  FST_ERR_NOT_FOUND: 'not_found',
  FST_ERR_HANDLER_TIMEOUT: 'handler_timeout',
};

const STATUS_FALLBACK: Readonly<Record<number, HttpError>> = {
  400: 'request_invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'body_too_large',
  415: 'media_type_unsupported',
  503: 'service_unavailable',
};

/**
 * One place where errors become the envelope. Bad input never reaches the
 * 500 branch: it is caught by a schema, a parser or a domain error code first.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return sendValidationError(error, request, reply);
    const code = FASTIFY_CODES[error.code] ?? fallbackByStatus(error.statusCode);
    if (code) return sendHttpError(request, reply, code);
    request.log.error({ err: error }, 'unexpected error');
    return sendHttpError(request, reply, 'internal');
  });
  app.setNotFoundHandler((request, reply) =>
    sendHttpError(request, reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}

/**
 * Errors the router raises before any route runs (`frameworkErrors`): a bad
 * URL escape or a path parameter over `maxParamLength` are the caller's.
 */
export function sendFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // No route ran, so neither did the onRequest hook that sets these headers.
  reply.header('x-request-id', request.id).header('cache-control', 'no-store');
  const code = FASTIFY_CODES[error.code] ?? fallbackByStatus(error.statusCode);
  if (code) return sendHttpError(request, reply, code, FRAMEWORK_MESSAGES[error.code]);
  request.log.error({ err: error }, 'unexpected router error');
  return sendHttpError(request, reply, 'internal');
}

const FRAMEWORK_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'the request path is not a valid URL (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than allowed',
};

function fallbackByStatus(status: number | undefined): HttpError | undefined {
  if (status === 503) return 'service_unavailable';
  if (status === undefined || status < 400 || status >= 500) return undefined;
  return STATUS_FALLBACK[status] ?? 'request_invalid';
}

function sendValidationError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const where = error.validationContext ?? 'request';
  const schema = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[where];
  return sendHttpError(
    request,
    reply,
    'request_invalid',
    describeIssues(error.validation ?? [], where, schema),
  );
}
