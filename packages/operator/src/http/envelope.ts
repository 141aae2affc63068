import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TSchema, Type } from 'typebox';
import { HTTP_ERROR_MESSAGES, HTTP_ERROR_STATUS, type HttpError } from './errors.ts';

/** Every error on the wire: a stable code for programs, a sentence for people, and the id to find it in logs. */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable, machine-readable error code.' }),
      message: Type.String({ description: 'Human-readable explanation; may change.' }),
    }),
    requestId: Type.String(),
  },
  { description: 'Error' },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

export function errorBody(request: FastifyRequest, code: string, message: string): ErrorEnvelope {
  return { error: { code, message }, requestId: request.id };
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(errorBody(request, code, message));
}

export function sendHttpError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: HttpError,
  message: string = HTTP_ERROR_MESSAGES[code],
): FastifyReply {
  return sendError(request, reply, HTTP_ERROR_STATUS[code], code, message);
}

/** Builds a domain's error sender from its exhaustive status and message maps. */
export function domainErrorSender<E extends string>(
  status: { readonly [k in E]: number },
  messages: { readonly [k in E]: string },
) {
  return (request: FastifyRequest, reply: FastifyReply, code: E, detail?: string): FastifyReply =>
    sendError(request, reply, status[code], code, detail ?? messages[code]);
}

/** Error responses for a route's OpenAPI entry; every route also documents 400 and 500. */
export function errorResponses(...statuses: readonly number[]): Record<number, TSchema> {
  const all = new Set([400, 500, ...statuses]);
  return Object.fromEntries([...all].sort().map((status) => [status, ErrorEnvelope]));
}
