import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { LogLevel } from '../config/model.ts';
import { registerDocs } from './docs.ts';
import { sendHttpError } from './envelope.ts';
import { installErrorHandlers, sendFrameworkError } from './error-handler.ts';
import { loggerOptions } from './logger.ts';
import { strictValidatorCompiler } from './validation.ts';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Every HTTP limit of the node, in one place. */
export const HTTP_LIMITS = {
  /** Signed messages are at most 64 KiB (JWS_BYTES_MAX) and nothing else is bigger. */
  bodyBytesMax: 64 * 1024,
  /** Whole request must arrive within this (slowloris). */
  requestTimeoutMs: 15_000,
  /** Idle socket. Longer than keep-alive so the server, not the socket timeout, closes idle connections. */
  connectionTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  /** Routing to the answer: a handler still running after this gets a 503. */
  handlerTimeoutMs: 10_000,
  paramLengthMax: 256,
  /** Plugin start-up (swagger-ui reads its assets): Fastify's 10 s default fails on a busy 2-core box. */
  pluginTimeoutMs: 60_000,
} as const;

export interface HttpAppOptions {
  readonly logLevel: LogLevel;
  readonly logStream?: { write(line: string): void };
  readonly title: string;
  readonly version: string;
}

/** The bare app: parsers, limits, error envelope and docs. Routes are added by the wiring (node.ts). */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel, options.logStream),
    bodyLimit: HTTP_LIMITS.bodyBytesMax,
    requestTimeout: HTTP_LIMITS.requestTimeoutMs,
    connectionTimeout: HTTP_LIMITS.connectionTimeoutMs,
    keepAliveTimeout: HTTP_LIMITS.keepAliveTimeoutMs,
    handlerTimeout: HTTP_LIMITS.handlerTimeoutMs,
    routerOptions: { maxParamLength: HTTP_LIMITS.paramLengthMax },
    trustProxy: false,
    pluginTimeout: HTTP_LIMITS.pluginTimeoutMs,
    // Our ids, never the caller's: a request id must be unique to be useful in logs.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    frameworkErrors: (error, request, reply) => {
      sendFrameworkError(error, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks bodies exactly as typed: no coercion of "12" to 12 or 12 to "12"; numbers in
  // query strings and paths must be plain decimal integers (no "true", "1.5" or "0x10").
  app.setValidatorCompiler(strictValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
  });
  // A route without a body schema takes no body: a stray one (say `1`, which parses as JSON) is
  // refused rather than ignored, so a malformed call never creates anything.
  app.addHook('preValidation', async (request, reply) => {
    if (request.body === undefined || request.routeOptions.schema?.body !== undefined) return;
    return sendHttpError(request, reply, 'body_not_allowed');
  });
  await registerDocs(app, { title: options.title, version: options.version });
  return app;
}
