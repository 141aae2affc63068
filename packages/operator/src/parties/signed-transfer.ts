import { importVerificationKey, JwsVerifyError, type ReplayGuard, verifyMessage } from '@tallystick/protocol';
import type { JWK } from 'jose';
import { Compile } from 'typebox/compile';
import { parseAmountInput } from '../http/schemas.ts';
import type { PartyTransferInput } from './accounts.ts';
import type { PartyError } from './errors.ts';
import type { Party } from './model.ts';
import type { PartiesService } from './service.ts';
import { SignedTransferClaimsBody } from './wire.ts';

export const TRANSFER_MESSAGE_TYPE = 'tally.transfer';
const checkBody = Compile(SignedTransferClaimsBody);

export interface SignedTransferDeps {
  readonly parties: Pick<PartiesService, 'findKeyOf'>;
  readonly operatorId: string;
  readonly replayGuard: ReplayGuard;
  readonly clock: () => Date;
}

/**
 * Verifies a party's signed transfer and only then reads it (DESIGN §6): the
 * key must be one of the caller's own, so a party can only sign as itself;
 * algorithm allowlist, audience, freshness and replay are checked by
 * `verifyMessage` before the body is looked at.
 */
export async function readSignedTransfer(
  deps: SignedTransferDeps,
  caller: Party,
  compact: string,
): Promise<PartyTransferInput | PartyError> {
  let body: unknown;
  try {
    ({ body } = await verifyMessage(compact, {
      expectedType: TRANSFER_MESSAGE_TYPE,
      audience: deps.operatorId,
      replayGuard: deps.replayGuard,
      nowMs: deps.clock().getTime(),
      resolveKey: async (kid) => {
        const key = await deps.parties.findKeyOf(caller.id, kid);
        return key && { key: await importVerificationKey(key.publicJwk as JWK), issuer: caller.id };
      },
    }));
  } catch (error) {
    if (error instanceof JwsVerifyError) return error.code;
    throw error;
  }
  if (!checkBody.Check(body)) return 'transfer_body_invalid';
  const amountMinor = parseAmountInput(body.amountMinor);
  if (typeof amountMinor === 'string') return amountMinor;
  return {
    transferId: body.transferId,
    fromAccountId: body.fromAccountId,
    toAccountId: body.toAccountId,
    amountMinor,
    currency: body.currency,
  };
}
