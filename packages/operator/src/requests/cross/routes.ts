import { Type } from 'typebox';
import type { HttpApp } from '../../http/app.ts';
import { errorResponses } from '../../http/envelope.ts';
import { sendRequestError } from '../errors.ts';
import type { RequestsService } from '../service.ts';
import { RTP_ANSWER_PATH, RTP_FORWARD_PATH } from './model.ts';

const Signed = Type.Object(
  { jws: Type.String({ minLength: 1, maxLength: 262_144 }) },
  { additionalProperties: false },
);

/** Operator <-> operator legs of a cross-operator request-to-pay: authenticated by the peer operator's signature. */
export function registerCrossRequestRoutes(app: HttpApp, deps: { readonly requests: RequestsService }): void {
  const tags = ['purchase requests'];
  app.post(
    RTP_FORWARD_PATH,
    {
      schema: {
        summary: "A purchase request for one of this operator's customers (from the merchant's operator)",
        description: 'Signed by the merchant’s operator; idempotent by the request id.',
        tags,
        security: [],
        body: Signed,
        response: errorResponses(400, 401, 404, 409, 413, 422),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.receiveForward(request.body.jws);
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return reply
        .code(result.created ? 201 : 200)
        .send({ requestId: result.request.id, status: result.request.status });
    },
  );
  app.post(
    RTP_ANSWER_PATH,
    {
      schema: {
        summary: "The customer's answer to a forwarded request (from the customer's operator)",
        description:
          'Signed by the customer’s operator after it booked her side; the same answer again changes nothing.',
        tags,
        security: [],
        body: Signed,
        response: errorResponses(400, 401, 404, 409, 413),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.receiveAnswer(request.body.jws);
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return { requestId: result.id, status: result.status };
    },
  );
}
