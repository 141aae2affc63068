import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/model.ts';

/** Credentials never reach a log line: headers, and any field that could carry a key or token. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'apiKey',
  'adminToken',
  '*.apiKey',
  '*.adminToken',
  '*.authorization',
];

/** `stream` lets a test read the log lines; the default is stdout. */
export function loggerOptions(
  level: LogLevel,
  stream?: { write(line: string): void },
): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, ...(stream ? { stream } : {}) };
}
