import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses } from '../http/envelope.ts';
import { OpaqueId } from '../http/schemas.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import { sendRequestError } from './errors.ts';
import type { RequestEvents } from './events.ts';
import type { RequestsService } from './service.ts';
import { streamPending } from './stream.ts';
import { requestView } from './views.ts';

export interface RequestRoutesDeps {
  readonly requests: RequestsService;
  readonly events: RequestEvents;
  readonly auth: AuthDeps;
}

const Signed = Type.Object(
  { jws: Type.String({ minLength: 1, maxLength: 65_536 }) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: OpaqueId(64) });

/** The first connection (merchant -> operator) and the second (customer -> operator), seed 000 claims 2-4. */
export function registerRequestRoutes(app: HttpApp, deps: RequestRoutesDeps): void {
  const party = authenticate(deps.auth, 'party');
  const tags = ['purchase requests'];
  const security = [...SECURITY.party];

  app.post(
    '/v1/customer-aliases',
    {
      onRequest: party,
      schema: {
        summary: 'Create a reference to give a merchant',
        tags,
        security,
        response: errorResponses(401, 403),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.createAlias(partyOf(request));
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/v1/purchase-requests',
    {
      onRequest: party,
      schema: {
        summary: 'Submit a signed purchase request (merchant; idempotent by requestId)',
        tags,
        security,
        body: Signed,
        response: errorResponses(401, 403, 404, 409, 422),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.submit(partyOf(request), request.body.jws);
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return reply.code(result.created ? 201 : 200).send(requestView(result.request));
    },
  );

  app.get(
    '/v1/purchase-requests',
    {
      onRequest: party,
      schema: {
        summary: "The calling customer's pending requests (polling)",
        tags,
        security,
        response: errorResponses(401, 403),
      },
    },
    async (request) => ({
      requests: (await deps.requests.pending(partyOf(request))).map(requestView),
    }),
  );

  app.get(
    '/v1/purchase-requests/stream',
    {
      onRequest: party,
      schema: {
        summary: 'Pending requests pushed as server-sent events',
        tags,
        security,
        response: errorResponses(401, 403, 429),
      },
    },
    async (request, reply) =>
      streamPending(request, reply, {
        requests: deps.requests,
        events: deps.events,
        customer: partyOf(request),
      }),
  );

  app.get(
    '/v1/purchase-requests/:id',
    {
      onRequest: party,
      schema: {
        summary: 'One purchase request (its customer or merchant)',
        tags,
        security,
        params: IdParams,
        response: errorResponses(401, 403, 404),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.get(partyOf(request), request.params.id);
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return requestView(result);
    },
  );

  app.post(
    '/v1/purchase-requests/:id/answer',
    {
      onRequest: party,
      schema: {
        summary: 'Affirm or decline, signed by the customer',
        tags,
        security,
        params: IdParams,
        body: Signed,
        response: errorResponses(401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      const result = await deps.requests.answer(partyOf(request), request.params.id, request.body.jws);
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return requestView(result);
    },
  );
}
