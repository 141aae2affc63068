import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/database.ts';
import type { HttpApp } from './app.ts';
import { errorResponses, sendHttpError } from './envelope.ts';

const Health = Type.Object({
  status: Type.Literal('ok'),
  operatorId: Type.String(),
  currency: Type.String(),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
});

export interface HealthDeps {
  readonly db: Database;
  readonly operatorId: string;
  readonly currency: string;
}

export function registerHealthRoutes(app: HttpApp, deps: HealthDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database check',
        tags: ['node'],
        response: { 200: Health, ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(deps.db.kysely);
      } catch (error) {
        request.log.error({ err: error }, 'health check: database unreachable');
        return sendHttpError(request, reply, 'database_unavailable');
      }
      return {
        status: 'ok' as const,
        operatorId: deps.operatorId,
        currency: deps.currency,
        database: deps.db.engine,
      };
    },
  );
}
