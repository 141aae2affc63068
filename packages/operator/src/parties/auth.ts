import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { sendHttpError } from '../http/envelope.ts';
import { secretMatches } from './credentials.ts';
import type { Party, Principal } from './model.ts';

/** Who may call a route: the admin, a party, or a party on its own objects and the admin on all. */
export type Access = 'admin' | 'party' | 'ownerOrAdmin';

export interface AuthDeps {
  readonly adminTokenSha256: string;
  readonly authenticateApiKey: (apiKey: string) => Promise<Party | undefined>;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;
const API_KEY_PREFIX = 'tsk_';
const FORBIDDEN: { readonly [k in Access]: string } = {
  admin: 'this route needs the operator admin token',
  party: 'this route is for customers and merchants (use an API key)',
  ownerOrAdmin: 'these credentials may not use this route',
};

/** Per-request principal, set by the hook; a WeakMap so nothing global is decorated or leaked. */
const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of a route that has an auth hook; a route without one asking is a bug. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error('assertion: route has no authentication hook');
  return principal;
}

export function partyOf(request: FastifyRequest): Party {
  const principal = principalOf(request);
  if (principal.kind !== 'party') throw new Error('assertion: party route reached without a party');
  return principal.party;
}

/**
 * Authenticates in `onRequest`, before the body is even read: anonymous
 * callers never reach a parser or a schema.
 */
export function authenticate(deps: AuthDeps, access: Access): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await identify(deps, request.headers.authorization);
    if (!principal) {
      reply.header('www-authenticate', 'Bearer realm="tallystick"');
      return sendHttpError(request, reply, 'unauthenticated');
    }
    const allowed = access === 'ownerOrAdmin' || principal.kind === access;
    if (!allowed) return sendHttpError(request, reply, 'forbidden', FORBIDDEN[access]);
    principals.set(request, principal);
  };
}

async function identify(deps: AuthDeps, header: string | undefined): Promise<Principal | undefined> {
  const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
  if (token === undefined) return undefined;
  if (token.startsWith(API_KEY_PREFIX)) {
    const party = await deps.authenticateApiKey(token);
    return party && { kind: 'party', party };
  }
  return secretMatches(token, deps.adminTokenSha256) ? { kind: 'admin' } : undefined;
}
