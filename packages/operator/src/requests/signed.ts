import { importVerificationKey, JwsVerifyError, type ReplayGuard, verifyMessage } from '@tallystick/protocol';
import type { JWK } from 'jose';
import { Compile } from 'typebox/compile';
import type { Party } from '../parties/model.ts';
import type { PartiesService } from '../parties/service.ts';
import type { RequestError } from './errors.ts';
import {
  AFFIRMATION_MESSAGE_TYPE,
  AffirmationBody,
  PURCHASE_REQUEST_MESSAGE_TYPE,
  PurchaseRequestBody,
} from './model.ts';

const checkRequest = Compile(PurchaseRequestBody);
const checkAffirmation = Compile(AffirmationBody);

export interface SignedDeps {
  readonly parties: Pick<PartiesService, 'findKeyOf'>;
  readonly operatorId: string;
  readonly replayGuard: ReplayGuard;
  readonly clock: () => Date;
}

/** Verifies before reading (DESIGN §6) with the caller's own keys only: a party signs only as itself. */
async function verifyAs(
  deps: SignedDeps,
  caller: Party,
  compact: string,
  type: string,
  replayGuard: ReplayGuard | undefined,
): Promise<unknown | RequestError> {
  try {
    const { body } = await verifyMessage(compact, {
      expectedType: type,
      audience: deps.operatorId,
      nowMs: deps.clock().getTime(),
      ...(replayGuard ? { replayGuard } : {}),
      resolveKey: async (kid) => {
        const key = await deps.parties.findKeyOf(caller.id, kid);
        return key && { key: await importVerificationKey(key.publicJwk as JWK), issuer: caller.id };
      },
    });
    return { body };
  } catch (error) {
    if (error instanceof JwsVerifyError) return error.code;
    throw error;
  }
}

/**
 * The merchant's request. No replay guard here: the request id is the
 * idempotency key, so a replayed request returns the original and moves nothing.
 */
export async function readPurchaseRequest(
  deps: SignedDeps,
  merchant: Party,
  compact: string,
): Promise<PurchaseRequestBody | RequestError> {
  const verified = await verifyAs(deps, merchant, compact, PURCHASE_REQUEST_MESSAGE_TYPE, undefined);
  if (typeof verified === 'string') return verified as RequestError;
  const { body } = verified as { body: unknown };
  return checkRequest.Check(body) ? body : 'request_body_invalid';
}

/** The customer's answer; a replayed one is refused (`jws_replayed`) before anything is looked up. */
export async function readAffirmation(
  deps: SignedDeps,
  customer: Party,
  compact: string,
): Promise<AffirmationBody | RequestError> {
  const verified = await verifyAs(deps, customer, compact, AFFIRMATION_MESSAGE_TYPE, deps.replayGuard);
  if (typeof verified === 'string') return verified as RequestError;
  const { body } = verified as { body: unknown };
  return checkAffirmation.Check(body) ? body : 'affirmation_body_invalid';
}
