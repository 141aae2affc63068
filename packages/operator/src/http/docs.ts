import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const DOCS_PATH = '/docs';
export const OPENAPI_PATH = '/openapi.json';

/** The security schemes routes refer to by name in `schema.security`. */
/**
 * The plugin's default policy minus `upgrade-insecure-requests` (a node on
 * plain http://127.0.0.1 would have its own assets upgraded to https and
 * broken) and minus the https: and validator.swagger.io sources: nothing
 * on the page comes from elsewhere.
 */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; " +
  "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; form-action 'self'";

export const SECURITY = {
  admin: [{ adminToken: [] }],
  party: [{ apiKey: [] }],
  ownerOrAdmin: [{ apiKey: [] }, { adminToken: [] }],
} as const;

/** OpenAPI from the routes' own TypeBox schemas, and swagger-ui served from the package (no CDN). */
export async function registerDocs(
  app: FastifyInstance,
  info: { readonly title: string; readonly version: string },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: info.title,
        version: info.version,
        description:
          'A Tallystick operator node: customers, merchants and their accounts. Amounts are decimal strings of minor units.',
      },
      components: {
        securitySchemes: {
          adminToken: { type: 'http', scheme: 'bearer', description: 'The operator admin token.' },
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'A customer or merchant API key (tsk_...).',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    staticCSP: DOCS_CSP,
    uiConfig: { validatorUrl: null },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
