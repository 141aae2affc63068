import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses, sendHttpError } from '../http/envelope.ts';
import { parseAmountInput } from '../http/schemas.ts';
import type { AccountsService } from './accounts.ts';
import { type AuthDeps, authenticate, partyOf, principalOf } from './auth.ts';
import { TRANSFER_PAGE_LIMIT_DEFAULT } from './model.ts';
import { sendPartyError } from './respond.ts';
import { readSignedTransfer, type SignedTransferDeps } from './signed-transfer.ts';
import { accountView, transferPageView, transferView } from './views.ts';
import {
  AccountParams,
  AccountView,
  FundRequest,
  SignedTransferRequest,
  TransferPageView,
  TransfersQuery,
  TransferView,
} from './wire.ts';

/** Transfer sequence numbers are PostgreSQL bigints. */
const SEQ_MAX = 2n ** 63n - 1n;

export interface AccountRoutesDeps {
  readonly accounts: AccountsService;
  readonly auth: AuthDeps;
  readonly signedTransfers: SignedTransferDeps;
}

/** Balances and statements (owner or admin), funding (admin), and a party's signed transfers. */
export function registerAccountRoutes(app: HttpApp, deps: AccountRoutesDeps): void {
  const ownerOrAdmin = authenticate(deps.auth, 'ownerOrAdmin');

  app.get(
    '/v1/accounts/:accountId',
    {
      onRequest: ownerOrAdmin,
      schema: {
        summary: 'An account and its balances',
        tags: ['accounts'],
        security: [...SECURITY.ownerOrAdmin],
        params: AccountParams,
        response: { 200: AccountView, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const result = await deps.accounts.getAccount(principalOf(request), request.params.accountId);
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return accountView(result);
    },
  );

  app.get(
    '/v1/accounts/:accountId/transfers',
    {
      onRequest: ownerOrAdmin,
      schema: {
        summary: "An account's transfers, newest first",
        tags: ['accounts'],
        security: [...SECURITY.ownerOrAdmin],
        params: AccountParams,
        querystring: TransfersQuery,
        response: { 200: TransferPageView, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { limit = TRANSFER_PAGE_LIMIT_DEFAULT, before } = request.query;
      // The pattern allows 19 digits; above a bigint it would be a database error (500), not a 400.
      if (before !== undefined && BigInt(before) > SEQ_MAX)
        return sendHttpError(
          request,
          reply,
          'request_invalid',
          'querystring.before must be a sequence number from nextBefore',
        );
      const page = { limit, ...(before !== undefined ? { beforeSeq: BigInt(before) } : {}) };
      const result = await deps.accounts.listTransfers(principalOf(request), request.params.accountId, page);
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return transferPageView(result);
    },
  );

  app.post(
    '/v1/admin/accounts/:accountId/fund',
    {
      onRequest: authenticate(deps.auth, 'admin'),
      schema: {
        summary: 'Fund an account from outside the network (idempotent by transferId)',
        description: 'The same transferId and body again returns the original transfer with 200.',
        tags: ['accounts'],
        security: [...SECURITY.admin],
        params: AccountParams,
        body: FundRequest,
        response: {
          201: TransferView,
          200: TransferView,
          ...errorResponses(401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const amountMinor = parseAmountInput(request.body.amountMinor);
      if (typeof amountMinor === 'string') return sendPartyError(request, reply, amountMinor);
      const { transferId, currency } = request.body;
      const result = await deps.accounts.fund({
        accountId: request.params.accountId,
        transferId,
        amountMinor,
        currency,
      });
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return reply.code(result.replayed ? 200 : 201).send(transferView(result.transfer));
    },
  );

  app.post(
    '/v1/transfers',
    {
      onRequest: authenticate(deps.auth, 'party'),
      schema: {
        summary: 'Move money from your account to another account at this operator (signed)',
        description:
          'The body is a JWS signed with your registered key. The same transferId and body again returns the original with 200.',
        tags: ['accounts'],
        security: [...SECURITY.party],
        body: SignedTransferRequest,
        response: {
          201: TransferView,
          200: TransferView,
          ...errorResponses(401, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const party = partyOf(request);
      const input = await readSignedTransfer(deps.signedTransfers, party, request.body.jws);
      if (typeof input === 'string') return sendPartyError(request, reply, input);
      const result = await deps.accounts.transfer(party, input);
      if (typeof result === 'string') return sendPartyError(request, reply, result);
      return reply.code(result.replayed ? 200 : 201).send(transferView(result.transfer));
    },
  );
}
