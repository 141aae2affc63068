import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses } from '../http/envelope.ts';
import { OpaqueId } from '../http/schemas.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import { sendRequestError } from '../requests/errors.ts';
import { requestView } from '../requests/views.ts';
import {
  AuthenticationResponseBody,
  DecisionBody,
  RegistrationResponseBody,
  type RelyingParty,
} from './model.ts';
import { PASSKEY_PAGE_HTML, PASSKEY_PAGE_JS } from './page.ts';
import type { PasskeysService } from './service.ts';

const IdParams = Type.Object({ id: OpaqueId(64) });
const Empty = Type.Object({}, { additionalProperties: false });

/**
 * The authenticator scopes each credential to the relying party, so an
 * assertion made for another site never verifies here. Configured
 * (TALLY_PASSKEY_RP_ID) it is fixed; else it is the host the request names,
 * which the client chooses: fine for development, not for production.
 */
function relyingPartyFor(configured: RelyingParty | undefined): (request: FastifyRequest) => RelyingParty {
  if (configured) return () => configured;
  // Unconfigured: the node warns at start unless it listens on loopback only (config/passkeys.ts).
  return (request) => ({ rpId: request.hostname, origin: `${request.protocol}://${request.host}` });
}

export function registerPasskeyRoutes(
  app: HttpApp,
  deps: { passkeys: PasskeysService; auth: AuthDeps; relyingParty?: RelyingParty },
): void {
  const relyingParty = relyingPartyFor(deps.relyingParty);
  const party = authenticate(deps.auth, 'party');
  const tags = ['passkeys'];
  const security = [...SECURITY.party];

  app.get(
    '/wallet/passkeys',
    {
      schema: {
        summary: 'The customer page: pending requests, answered with a passkey',
        response: errorResponses(),
        tags,
        security: [],
      },
    },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(PASSKEY_PAGE_HTML),
  );
  app.get(
    '/wallet/passkeys.js',
    { schema: { summary: "The customer page's script", response: errorResponses(), tags, security: [] } },
    async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(PASSKEY_PAGE_JS),
  );
  app.post(
    '/v1/passkeys/registration-options',
    {
      onRequest: party,
      schema: {
        summary: 'Start registering a passkey (WebAuthn creation options)',
        tags,
        security,
        body: Type.Optional(Empty),
        response: errorResponses(400, 401, 403),
      },
    },
    async (request, reply) => {
      const result = await deps.passkeys.registrationOptions(partyOf(request), relyingParty(request));
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return result;
    },
  );
  app.post(
    '/v1/passkeys',
    {
      onRequest: party,
      schema: {
        summary: 'Finish registering a passkey (attestation none)',
        tags,
        security,
        body: RegistrationResponseBody,
        response: errorResponses(400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      const result = await deps.passkeys.register(
        partyOf(request),
        relyingParty(request),
        request.body.response as RegistrationResponseJSON,
      );
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return reply.code(201).send(result);
    },
  );
  // The two steps of answering with a passkey: same caller, same request, same refusals.
  const onRequestRoute = <Body extends TSchema>(summary: string, body: Body) => ({
    onRequest: party,
    schema: {
      summary,
      tags,
      security,
      params: IdParams,
      body,
      response: errorResponses(400, 401, 403, 404, 409),
    },
  });
  app.post(
    '/v1/purchase-requests/:id/passkey-options',
    onRequestRoute('A WebAuthn challenge bound to this request and decision', DecisionBody),
    async (request, reply) => {
      const result = await deps.passkeys.affirmationOptions(
        partyOf(request),
        relyingParty(request),
        request.params.id,
        request.body.decision,
      );
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return result;
    },
  );
  app.post(
    '/v1/purchase-requests/:id/passkey-answer',
    onRequestRoute('Affirm or decline with a passkey assertion', AuthenticationResponseBody),
    async (request, reply) => {
      const result = await deps.passkeys.answer(
        partyOf(request),
        relyingParty(request),
        request.params.id,
        request.body.response as AuthenticationResponseJSON,
      );
      if (typeof result === 'string') return sendRequestError(request, reply, result);
      return requestView(result);
    },
  );
}
