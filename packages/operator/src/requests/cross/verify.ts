import { JwsVerifyError, verifyMessage } from '@tallystick/protocol';
import type { OperatorDirectory } from '../../federation/directory.ts';
import type { RequestError } from '../errors.ts';

/**
 * A peer operator's signed message: verified under its published key (DESIGN
 * §6) before anything is read, never from this operator itself, then checked
 * against its schema. No replay guard: both messages are idempotent by id.
 */
export async function readPeerMessage<T>(
  deps: { directory: OperatorDirectory; operatorId: string; clock: () => Date },
  compact: string,
  type: string,
  schema: { Check(value: unknown): boolean },
  invalid: RequestError,
): Promise<{ issuer: string; body: T } | RequestError> {
  let claims: Awaited<ReturnType<typeof verifyMessage>>;
  try {
    claims = await verifyMessage(compact, {
      expectedType: type,
      audience: deps.operatorId,
      nowMs: deps.clock().getTime(),
      resolveKey: deps.directory.resolveOperatorKey,
    });
  } catch (error) {
    if (error instanceof JwsVerifyError) return error.code;
    throw error;
  }
  if (claims.iss === deps.operatorId) return 'jws_wrong_issuer';
  return schema.Check(claims.body) ? { issuer: claims.iss, body: claims.body as T } : invalid;
}
