import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { domainErrorSender, errorResponses } from '../http/envelope.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import { MTA_ERROR_MESSAGES, MTA_ERROR_STATUS } from './errors.ts';
import { MTA_TRANSACTIONS_PATH } from './inbound.ts';
import type { MtaService } from './service.ts';
import { mtaTransactionView } from './views.ts';
import {
  AmendedInitiationRequest,
  MtaAckAnswer,
  MtaTransactionView,
  RecordAnswer,
  RecordRequest,
  TransactionParams,
} from './wire.ts';

export const sendMtaError = domainErrorSender(MTA_ERROR_STATUS, MTA_ERROR_MESSAGES);

export interface MtaRoutesDeps {
  readonly mta: MtaService;
  readonly auth: AuthDeps;
}

/** The MTA role (docs/trading-sessions.md): sessions from AMs, records from both sides, the merchant's view. */
export function registerMtaRoutes(app: HttpApp, deps: MtaRoutesDeps): void {
  const party = authenticate(deps.auth, 'party');
  const tags = ['mta'];

  app.post(
    MTA_TRANSACTIONS_PATH,
    {
      schema: {
        summary: 'Register a trading session (amended initiation from the customer’s AM)',
        description:
          'Authenticated by the AM operator’s signature. The same JWS again gets the original MTA ack.',
        tags,
        security: [],
        body: AmendedInitiationRequest,
        response: { 201: MtaAckAnswer, ...errorResponses(401, 404, 409, 413, 415, 422, 502) },
      },
    },
    async (request, reply) => {
      const result = await deps.mta.registerTransaction(request.body.amendedInitiation);
      if (typeof result === 'string') return sendMtaError(request, reply, result);
      return reply.code(201).send(result);
    },
  );

  app.post(
    `${MTA_TRANSACTIONS_PATH}/:transactionId/customer-record`,
    {
      schema: {
        summary: 'The customer’s transaction record (relayed unchanged by its AM)',
        description: 'Authenticated by the session key’s signature.',
        tags,
        security: [],
        params: TransactionParams,
        body: RecordRequest,
        response: { 202: RecordAnswer, ...errorResponses(401, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const result = await deps.mta.submitCustomerRecord(request.params.transactionId, request.body.record);
      if (typeof result === 'string') return sendMtaError(request, reply, result);
      return reply.code(202).send(result);
    },
  );

  app.post(
    `${MTA_TRANSACTIONS_PATH}/:transactionId/merchant-record`,
    {
      onRequest: party,
      schema: {
        summary: 'The merchant’s transaction record, with its last voucher',
        description: 'Merchant API key, and the record signed with the merchant’s registered key.',
        tags,
        security: [...SECURITY.party],
        params: TransactionParams,
        body: RecordRequest,
        response: { 202: RecordAnswer, ...errorResponses(401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const merchant = partyOf(request);
      if (merchant.kind !== 'merchant') return sendMtaError(request, reply, 'merchant_only');
      const { transactionId } = request.params;
      const result = await deps.mta.submitMerchantRecord(merchant, transactionId, request.body.record);
      if (typeof result === 'string') return sendMtaError(request, reply, result);
      return reply.code(202).send(result);
    },
  );

  app.get(
    `${MTA_TRANSACTIONS_PATH}/:transactionId`,
    {
      onRequest: party,
      schema: {
        summary: 'A trading session at this MTA, with its clearing once cleared',
        tags,
        security: [...SECURITY.party],
        params: TransactionParams,
        response: { 200: MtaTransactionView, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const merchant = partyOf(request);
      if (merchant.kind !== 'merchant') return sendMtaError(request, reply, 'merchant_only');
      const result = await deps.mta.getTransaction(merchant, request.params.transactionId);
      if (typeof result === 'string') return sendMtaError(request, reply, result);
      return mtaTransactionView(result);
    },
  );
}
