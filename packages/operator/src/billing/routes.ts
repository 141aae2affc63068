import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { SECURITY } from '../http/docs.ts';
import { errorResponses, sendError } from '../http/envelope.ts';
import { type AuthDeps, authenticate } from '../parties/auth.ts';
import { BILLING_EXPORT_FORMATS, BILLING_EXPORT_RECORDS_MAX, BILLING_EXPORTERS } from './export/index.ts';
import type { BillingService } from './service.ts';

export interface BillingRoutesDeps {
  readonly billing: BillingService;
  readonly operatorId: string;
  readonly auth: AuthDeps;
  readonly clock: () => Date;
}

const ExportQuery = Type.Object(
  {
    since: Type.String({ format: 'date-time' }),
    format: Type.Union(BILLING_EXPORT_FORMATS.map((f) => Type.Literal(f))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: BILLING_EXPORT_RECORDS_MAX })),
  },
  { additionalProperties: false },
);

/** `GET /v1/admin/billing/export`: this operator's withdrawal and deposit records as a file (admin). */
export function registerBillingRoutes(app: HttpApp, deps: BillingRoutesDeps): void {
  app.get(
    '/v1/admin/billing/export',
    {
      onRequest: authenticate(deps.auth, 'admin'),
      schema: {
        summary: 'Export billing records (CSV, JSON or ISO 20022 camt.054)',
        tags: ['billing'],
        security: [...SECURITY.admin],
        querystring: ExportQuery,
        response: { 200: Type.String(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const query = request.query as {
        since: string;
        format: (typeof BILLING_EXPORT_FORMATS)[number];
        limit?: number;
      };
      const since = new Date(query.since);
      if (Number.isNaN(since.getTime()))
        return sendError(request, reply, 400, 'since_invalid', 'since is not a time');
      // Year 0 parses in JavaScript but is out of range for PostgreSQL (a 500 otherwise).
      if (since.getUTCFullYear() < 1)
        return sendError(request, reply, 400, 'since_invalid', 'since must be in year 1 or later');
      const records = await deps.billing.listSince(since, query.limit ?? BILLING_EXPORT_RECORDS_MAX);
      const exporter = BILLING_EXPORTERS[query.format];
      const body = exporter.render(records, { operatorId: deps.operatorId, now: deps.clock() });
      return reply.code(200).type(`${exporter.contentType}; charset=utf-8`).send(body);
    },
  );
}
