import type { SigningKey } from '@tallystick/protocol';
import { Type } from 'typebox';
import type { HttpApp } from '../http/app.ts';
import { errorResponses } from '../http/envelope.ts';
import { OPERATOR_DOCUMENT_PATH } from './directory.ts';

export interface OperatorDocumentDeps {
  readonly operatorId: string;
  readonly currency: string;
  readonly key: SigningKey;
}

const OperatorDocumentView = Type.Object({
  operatorId: Type.String(),
  currency: Type.String(),
  keys: Type.Array(Type.Record(Type.String(), Type.String()), {
    description: 'public JWKs with kid "<operatorId>:<thumbprint>"',
  }),
});

/** Publishes this operator's public keys, where peers' directories fetch them (federation/directory.ts). */
export function registerOperatorDocumentRoute(app: HttpApp, deps: OperatorDocumentDeps): void {
  const document = {
    operatorId: deps.operatorId,
    currency: deps.currency,
    keys: [publicMembers(deps.key.publicJwk)],
  };
  app.get(
    OPERATOR_DOCUMENT_PATH,
    {
      schema: {
        summary: "This operator's id, currency and public signing keys",
        tags: ['federation'],
        security: [],
        response: { 200: OperatorDocumentView, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      // Keys change rarely; peers refetch on an unknown kid anyway.
      reply.header('cache-control', 'public, max-age=300');
      return document;
    },
  );
}

/** Never publish anything but the public members, whatever the key object carries. */
function publicMembers(jwk: object): Record<string, string> {
  const allowed = new Set(['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use']);
  return Object.fromEntries(
    Object.entries(jwk).filter(
      (entry): entry is [string, string] => allowed.has(entry[0]) && typeof entry[1] === 'string',
    ),
  );
}
