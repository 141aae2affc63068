import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses } from '../http/envelope.ts';
import { OpaqueId } from '../http/schemas.ts';
import { type AuthDeps, authenticate, partyOf } from '../parties/auth.ts';
import { sendRequestError } from '../requests/errors.ts';
import type { RequestsService } from '../requests/service.ts';
import { dataMatrixPng, qrPng, receiptPdf } from './artefacts.ts';
import { sendFulfilmentError } from './errors.ts';
import type { FulfilmentService, ItemRow } from './service.ts';

export interface FulfilmentRoutesDeps {
  readonly fulfilment: FulfilmentService;
  readonly requests: RequestsService;
  readonly auth: AuthDeps;
}

export function itemView(row: ItemRow) {
  return {
    id: row.id,
    requestId: row.request_id,
    kind: row.kind,
    status: row.status,
    data: JSON.parse(row.data) as unknown,
    indicium: row.indicium,
    text: row.indicium_text,
    checkedInAt: row.checked_in_at?.toISOString() ?? null,
  };
}

const ItemParams = Type.Object({
  itemId: OpaqueId(80),
  format: Type.Union([Type.Literal('qr.png'), Type.Literal('datamatrix.png'), Type.Literal('receipt.pdf')]),
});

/** Items owed for an affirmed purchase (seed 000 claims 6-14), the trust list, and ticket check-in. */
export function registerFulfilmentRoutes(app: HttpApp, deps: FulfilmentRoutesDeps): void {
  const party = authenticate(deps.auth, 'party');
  const tags = ['fulfilment'];
  const security = [...SECURITY.party];

  app.get(
    '/v1/trust-list',
    {
      schema: {
        summary: "Published keys for offline verification (this operator's and its merchants')",
        tags,
        response: errorResponses(),
      },
    },
    async () => deps.fulfilment.trustList(),
  );

  app.get(
    '/v1/purchase-requests/:id/items',
    {
      onRequest: party,
      schema: {
        summary: 'Items issued for a purchase',
        tags,
        security,
        params: Type.Object({ id: OpaqueId(64) }),
        response: errorResponses(401, 403, 404),
      },
    },
    async (request, reply) => {
      const found = await deps.requests.get(partyOf(request), request.params.id);
      if (typeof found === 'string') return sendRequestError(request, reply, found);
      const items = found.status === 'affirmed' ? await deps.fulfilment.issue(found) : [];
      return { items: items.map(itemView) };
    },
  );

  app.get(
    '/v1/items/:itemId/:format',
    {
      onRequest: party,
      schema: {
        summary: 'An item as QR or Data Matrix PNG, or as a printed receipt (PDF)',
        tags,
        security,
        params: ItemParams,
        response: errorResponses(401, 403, 404),
      },
    },
    async (request, reply) => {
      const caller = partyOf(request);
      const row = await deps.fulfilment.item(request.params.itemId);
      if (!row || (row.customer_id !== caller.id && row.merchant_id !== caller.id))
        return sendFulfilmentError(request, reply, 'item_not_found');
      if (!row.indicium || !row.indicium_text)
        return sendFulfilmentError(request, reply, 'artefact_unavailable');
      const format = request.params.format;
      if (format === 'qr.png') return reply.type('image/png').send(await qrPng(row.indicium));
      if (format === 'datamatrix.png') return reply.type('image/png').send(await dataMatrixPng(row.indicium));
      return reply.type('application/pdf').send(
        await receiptPdf({
          indicium: row.indicium,
          text: row.indicium_text,
          title: `Tallystick receipt ${row.id}`,
        }),
      );
    },
  );

  app.post(
    '/v1/tickets/check-in',
    {
      onRequest: party,
      schema: {
        summary: 'Admit a ticket once (merchant)',
        tags,
        security,
        body: Type.Object({ indicium: Type.String({ maxLength: 4_296 }) }),
        response: errorResponses(401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      const result = await deps.fulfilment.checkIn(partyOf(request).id, request.body.indicium);
      if (typeof result === 'string') return sendFulfilmentError(request, reply, result);
      return { admitted: true, item: itemView(result) };
    },
  );

  app.post(
    '/v1/shipments/:itemId/status',
    {
      onRequest: party,
      schema: {
        summary: "Advance a shipment's status (merchant)",
        tags,
        security,
        params: Type.Object({ itemId: OpaqueId(80) }),
        body: Type.Object({ status: Type.Union([Type.Literal('shipped'), Type.Literal('delivered')]) }),
        response: errorResponses(401, 403, 404, 409),
      },
    },
    async (request, reply) => {
      const result = await deps.fulfilment.advanceShipment(
        partyOf(request).id,
        request.params.itemId,
        request.body.status,
      );
      if (typeof result === 'string') return sendFulfilmentError(request, reply, result);
      return itemView(result);
    },
  );
}
