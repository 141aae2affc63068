import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { domainErrorSender, errorResponses } from '../http/envelope.ts';
import { OpaqueId } from '../http/schemas.ts';
import { type AuthDeps, authenticate } from '../parties/auth.ts';
import { SETTLEMENT_ERROR_MESSAGES, SETTLEMENT_ERROR_STATUS } from './errors.ts';
import type { ReconciliationLine, SettlementBatch, SettlementItem } from './model.ts';
import { SETTLEMENT_STATEMENT_PATH } from './model.ts';
import type { SettlementService } from './service.ts';

const sendSettlementError = domainErrorSender(SETTLEMENT_ERROR_STATUS, SETTLEMENT_ERROR_MESSAGES);
const JWS_CHARS_MAX = 64 * 1024;
const BATCHES_LIST_MAX = 100;

const Jws = Type.String({ minLength: 1, maxLength: JWS_CHARS_MAX });
const AnyObject = Type.Object({}, { additionalProperties: true });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/**
 * Operator <-> operator: statements and settle notices, authenticated by the
 * peer operator's signature. Admin: run a batch, read batches, reconcile.
 */
export function registerSettlementRoutes(
  app: HttpApp,
  deps: { readonly settlement: SettlementService; readonly auth: AuthDeps },
): void {
  const tags = ['settlement'];
  const admin = authenticate(deps.auth, 'admin');
  app.post(
    SETTLEMENT_STATEMENT_PATH,
    {
      schema: {
        summary: 'A peer operator’s signed settlement statement; answered with our signed view (idempotent)',
        tags,
        security: [],
        body: Type.Object({ statement: Jws }, { additionalProperties: false }),
        response: {
          200: Type.Object({ acknowledgement: Type.String() }),
          ...errorResponses(401, 403, 404, 409, 413, 422),
        },
      },
    },
    async (request, reply) => {
      const result = await deps.settlement.receiveStatement(
        (request.body as { statement: string }).statement,
      );
      if (typeof result === 'string') return sendSettlementError(request, reply, result);
      return result;
    },
  );
  app.post(
    `${SETTLEMENT_STATEMENT_PATH}/:batchId/settle`,
    {
      schema: {
        summary: 'A peer operator’s signed notice to settle an acknowledged batch (idempotent)',
        tags,
        security: [],
        params: Type.Object({ batchId: OpaqueId(128) }),
        body: Type.Object({ notice: Jws }, { additionalProperties: false }),
        response: { 200: AnyObject, ...errorResponses(401, 404, 409, 413, 422) },
      },
    },
    async (request, reply) => {
      const { batchId } = request.params as { batchId: string };
      const result = await deps.settlement.receiveSettleNotice(
        batchId,
        (request.body as { notice: string }).notice,
      );
      if (typeof result === 'string') return sendSettlementError(request, reply, result);
      return result;
    },
  );
  app.post(
    '/v1/admin/settlement/batches',
    {
      onRequest: admin,
      schema: {
        summary: 'Prepare or resume the settlement batch with a peer and drive it to settled',
        tags,
        security: [...SECURITY.admin],
        body: Type.Object(
          {
            peerOperatorId: Type.String({ maxLength: 64 }),
            currency: Currency,
            cutOff: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: AnyObject, ...errorResponses(401, 403, 404, 409, 422, 502) },
      },
    },
    async (request, reply) => {
      const body = request.body as { peerOperatorId: string; currency: string; cutOff?: string };
      const options = body.cutOff ? { cutOff: new Date(body.cutOff) } : {};
      const result = await deps.settlement.run(body.peerOperatorId, body.currency, options);
      if (typeof result === 'string') return sendSettlementError(request, reply, result);
      return { batch: result ? batchView(result) : null };
    },
  );
  app.get(
    '/v1/admin/settlement/batches',
    {
      onRequest: admin,
      schema: {
        summary: 'The latest settlement batches',
        tags,
        security: [...SECURITY.admin],
        response: { 200: AnyObject, ...errorResponses(401, 403) },
      },
    },
    async () => ({ batches: (await deps.settlement.list(BATCHES_LIST_MAX)).map(batchView) }),
  );
  app.get(
    '/v1/admin/settlement/batches/:batchId',
    {
      onRequest: admin,
      schema: {
        summary: 'One settlement batch with its items and both signed views',
        tags,
        security: [...SECURITY.admin],
        params: Type.Object({ batchId: OpaqueId(128) }),
        response: { 200: AnyObject, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const found = await deps.settlement.batch((request.params as { batchId: string }).batchId);
      if (!found) return sendSettlementError(request, reply, 'settlement_batch_not_found');
      return { batch: batchView(found.batch), items: found.items.map(itemView) };
    },
  );
  app.get(
    '/v1/admin/settlement/reconciliation',
    {
      onRequest: admin,
      schema: {
        summary: 'Interop and settlement accounts against the clearings behind them, per peer and currency',
        tags,
        security: [...SECURITY.admin],
        response: { 200: AnyObject, ...errorResponses(401, 403) },
      },
    },
    async () => ({ lines: (await deps.settlement.reconciliation()).map(lineView) }),
  );
}

export function batchView(batch: SettlementBatch) {
  return {
    id: batch.id,
    role: batch.role,
    peerOperatorId: batch.peerOperatorId,
    currency: batch.currency,
    cutOff: batch.cutOff.toISOString(),
    status: batch.status,
    netMinor: batch.netMinor.toString(),
    itemCount: batch.itemCount,
    ledgerTransferId: batch.ledgerTransferId,
    statement: batch.statementJws,
    acknowledgement: batch.acknowledgementJws,
  };
}

function itemView(item: SettlementItem) {
  return { transactionId: item.transactionId, amountMinor: item.amountMinor.toString() };
}

export function lineView(line: ReconciliationLine) {
  return Object.fromEntries(
    Object.entries(line).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]),
  ) as Record<keyof ReconciliationLine, string>;
}
