import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { domainErrorSender, errorResponses } from '../http/envelope.ts';
import { RecordAnswer, RecordRequest, TransactionParams } from '../mta/wire.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import type { Party } from '../parties/model.ts';
import { AM_ERROR_MESSAGES, AM_ERROR_STATUS } from './errors.ts';
import { AM_CLEARING_PATH } from './inbound.ts';
import type { AmService } from './service.ts';
import { amTransactionView } from './views.ts';
import {
  AmTransactionView,
  ClearingAnswer,
  ClearingRequest,
  InitiationAnswer,
  InitiationRequest,
  SessionCreate,
  SessionCreated,
  SessionParams,
} from './wire.ts';

export const sendAmError = domainErrorSender(AM_ERROR_STATUS, AM_ERROR_MESSAGES);

export interface AmRoutesDeps {
  readonly am: AmService;
  readonly auth: AuthDeps;
}

/** The AM role (docs/trading-sessions.md): sessions, initiations, records relayed, clearings from MTAs. */
export function registerAmRoutes(app: HttpApp, deps: AmRoutesDeps): void {
  const party = authenticate(deps.auth, 'party');
  const tags = ['am'];
  const security = [...SECURITY.party];
  /** The calling customer, or undefined once a 403 has been sent (merchants have no AM sessions). */
  const customerOf = (request: FastifyRequest, reply: FastifyReply): Party | undefined => {
    const caller = partyOf(request);
    if (caller.kind === 'customer') return caller;
    sendAmError(request, reply, 'customer_only');
    return undefined;
  };

  app.post(
    '/v1/am/sessions',
    {
      onRequest: party,
      schema: {
        summary: 'Log on: open a session (sessionId = <amId>.<seq1>)',
        tags,
        security,
        body: SessionCreate,
        response: { 201: SessionCreated, ...errorResponses(401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const customer = customerOf(request, reply);
      if (!customer) return reply;
      const session = await deps.am.openSession(customer);
      return reply.code(201).send({ sessionId: session.id });
    },
  );

  app.post(
    '/v1/am/sessions/:sessionId/transactions',
    {
      onRequest: party,
      schema: {
        summary: 'Initiate a transaction: hold the deposit, register it with the MTA, get session ready',
        description: 'The same initiation JWS again gets the original answer.',
        tags,
        security,
        params: SessionParams,
        body: InitiationRequest,
        response: { 201: InitiationAnswer, ...errorResponses(401, 403, 404, 409, 413, 415, 422, 502) },
      },
    },
    async (request, reply) => {
      const customer = customerOf(request, reply);
      if (!customer) return reply;
      const result = await deps.am.initiate(customer, request.params.sessionId, request.body.initiation);
      if (typeof result === 'string') return sendAmError(request, reply, result);
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/v1/am/transactions/:transactionId',
    {
      onRequest: party,
      schema: {
        summary: 'A transaction of yours, with its clearing once cleared',
        tags,
        security,
        params: TransactionParams,
        response: { 200: AmTransactionView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const customer = customerOf(request, reply);
      if (!customer) return reply;
      const result = await deps.am.getTransaction(customer, request.params.transactionId);
      if (typeof result === 'string') return sendAmError(request, reply, result);
      return amTransactionView(result);
    },
  );

  app.post(
    '/v1/am/transactions/:transactionId/customer-record',
    {
      onRequest: party,
      schema: {
        summary: 'Hand in your transaction record (signed by the session key); relayed to the MTA',
        tags,
        security,
        params: TransactionParams,
        body: RecordRequest,
        response: { 202: RecordAnswer, ...errorResponses(401, 403, 404, 409, 413, 415, 422, 502) },
      },
    },
    async (request, reply) => {
      const customer = customerOf(request, reply);
      if (!customer) return reply;
      const { transactionId } = request.params;
      const result = await deps.am.relayCustomerRecord(customer, transactionId, request.body.record);
      if (typeof result === 'string') return sendAmError(request, reply, result);
      return reply.code(202).send(result);
    },
  );

  app.post(
    AM_CLEARING_PATH,
    {
      schema: {
        summary: 'A clearing from the MTA of one of your transactions (idempotent)',
        description: 'Authenticated by the MTA operator’s signature.',
        tags,
        security: [],
        body: ClearingRequest,
        response: { 200: ClearingAnswer, ...errorResponses(401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const result = await deps.am.applyClearing(request.body.clearing);
      if (typeof result === 'string') return sendAmError(request, reply, result);
      return result;
    },
  );
}
