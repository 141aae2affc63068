import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses } from '../http/envelope.ts';
import { parseAmountInput } from '../http/schemas.ts';
import { type AuthDeps, authenticate, partyOf } from './auth.ts';
import { sendPartyError } from './respond.ts';
import type { PartiesService } from './service.ts';
import { creditLimitView, meView } from './views.ts';
import {
  CreditLimitResult,
  CreditLimitUpdate,
  CustomerCreate,
  CustomerCreated,
  CustomerParams,
  Me,
  MerchantCreate,
  MerchantCreated,
} from './wire.ts';

export interface PartyRoutesDeps {
  readonly parties: PartiesService;
  readonly auth: AuthDeps;
}

/** Registering customers and merchants (admin), a party's own profile, and customers' credit limits. */
export function registerPartyRoutes(app: HttpApp, deps: PartyRoutesDeps): void {
  const admin = authenticate(deps.auth, 'admin');

  app.post(
    '/v1/customers',
    {
      onRequest: admin,
      schema: {
        summary: 'Register a customer',
        tags: ['parties'],
        security: [...SECURITY.admin],
        body: CustomerCreate,
        response: { 201: CustomerCreated, ...errorResponses(401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const creditLimitMinor = parseAmountInput(request.body.creditLimitMinor ?? '0');
      if (typeof creditLimitMinor === 'string') return sendPartyError(request, reply, creditLimitMinor);
      const result = await deps.parties.registerCustomer({ ...request.body, creditLimitMinor });
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return reply.code(201).send({
        customerId: result.party.id,
        accountId: result.party.accountId,
        keyId: result.key.kid,
        apiKey: result.apiKey,
      });
    },
  );

  app.post(
    '/v1/merchants',
    {
      onRequest: admin,
      schema: {
        summary: 'Register a merchant',
        tags: ['parties'],
        security: [...SECURITY.admin],
        body: MerchantCreate,
        response: { 201: MerchantCreated, ...errorResponses(401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const result = await deps.parties.registerMerchant(request.body);
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return reply.code(201).send({
        merchantId: result.party.id,
        accountId: result.party.accountId,
        keyId: result.key.kid,
        apiKey: result.apiKey,
      });
    },
  );

  app.get(
    '/v1/me',
    {
      onRequest: authenticate(deps.auth, 'party'),
      schema: {
        summary: "The calling party's profile",
        tags: ['parties'],
        security: [...SECURITY.party],
        response: { 200: Me, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const party = partyOf(request);
      return meView(party, await deps.parties.keysOf(party.id));
    },
  );

  app.put(
    '/v1/customers/:customerId/credit-limit',
    {
      onRequest: admin,
      schema: {
        summary: "Set a customer's credit limit (idempotent by requestId)",
        description:
          "Moves the difference between the operator's credit line and the customer's account. Lowering below what is already spent is refused.",
        tags: ['parties'],
        security: [...SECURITY.admin],
        params: CustomerParams,
        body: CreditLimitUpdate,
        response: { 200: CreditLimitResult, ...errorResponses(401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const creditLimitMinor = parseAmountInput(request.body.creditLimitMinor);
      if (typeof creditLimitMinor === 'string') return sendPartyError(request, reply, creditLimitMinor);
      const result = await deps.parties.setCreditLimit({
        customerId: request.params.customerId,
        requestId: request.body.requestId,
        creditLimitMinor,
      });
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return creditLimitView(result);
    },
  );
}
