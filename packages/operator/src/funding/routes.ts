import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { domainErrorSender, errorResponses } from '../http/envelope.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import type { FundingError, FundingService } from './service.ts';

const sendFundingError = domainErrorSender<FundingError>(
  { instrument_invalid: 400, instrument_limit_reached: 409, instrument_not_found: 404 },
  {
    instrument_invalid: 'not a valid card number (Luhn) or IBAN (mod 97)',
    instrument_limit_reached: 'this party has registered the most funding instruments allowed',
    instrument_not_found: 'no such funding instrument',
  },
);

// The number is a plain bounded string: a pattern error message could echo it into a log.
const InstrumentCreate = Type.Object(
  {
    kind: Type.Union([Type.Literal('card'), Type.Literal('iban')]),
    number: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

/** Funding information (seed 000 claim 1): stored encrypted, shown only masked. */
export function registerFundingRoutes(
  app: HttpApp,
  deps: { readonly funding: FundingService; readonly auth: AuthDeps },
): void {
  const party = authenticate(deps.auth, 'party');
  const tags = ['funding'];
  const security = [...SECURITY.party];
  app.post(
    '/v1/funding-instruments',
    {
      onRequest: party,
      schema: {
        summary: 'Register a card or bank account (stored encrypted, shown masked)',
        tags,
        security,
        body: InstrumentCreate,
        response: errorResponses(401, 403, 409),
      },
    },
    async (request, reply) => {
      const result = await deps.funding.register(partyOf(request).id, request.body.kind, request.body.number);
      if (typeof result === 'string') return sendFundingError(request, reply, result);
      return reply.code(201).send(result);
    },
  );
  app.get(
    '/v1/funding-instruments',
    {
      onRequest: party,
      schema: {
        summary: "The caller's funding instruments, masked",
        tags,
        security,
        response: errorResponses(401, 403),
      },
    },
    async (request) => ({
      instruments: await deps.funding.list(partyOf(request).id),
    }),
  );
}
