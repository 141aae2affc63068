import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { errorResponses } from '../http/envelope.ts';
import { CURRENCY_TABLE_PATH } from './model.ts';
import type { CurrencyTableService } from './service.ts';

const CurrencyTableView = Type.Object({
  tableId: Type.String(),
  validFromMs: Type.Integer(),
  validUntilMs: Type.Integer(),
  table: Type.String({ description: 'compact JWS tally.currency_table, signed by the operator key' }),
});

/**
 * `GET /v1/currency-table`: public, like the operator document. Rates are
 * what the operator charges anyone, and the signature, not the channel,
 * is what the wallet trusts.
 */
export function registerCurrencyTableRoutes(
  app: HttpApp,
  deps: { readonly tables: CurrencyTableService },
): void {
  app.get(
    CURRENCY_TABLE_PATH,
    {
      schema: {
        summary: "This operator's signed currency table for its customers' wallets",
        tags: ['federation'],
        security: [],
        response: { 200: CurrencyTableView, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      // Signed fresh on each call (its iat is checked); shared caches must not keep it.
      reply.header('cache-control', 'no-store');
      return deps.tables.issue();
    },
  );
}
