import { ClearingMessage, verifyTyped } from '@tallystick/protocol';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { AmContext } from './deps.ts';
import type { AmError } from './errors.ts';
import type { ClearingReceipt } from './inbound.ts';
import { settle } from './settlement.ts';

/**
 * FIG 3, MTA -> customer's AM: verified under the MTA's published key, from
 * the MTA of this very transaction, with figures that fit what the AM holds
 * (both checked on the locked row, settlement.ts). Then the hold is resolved
 * once. The same clearing again is acknowledged without touching anything.
 */
export async function applyClearing(ctx: AmContext, jws: string): Promise<ClearingReceipt | AmError> {
  const message = await verifiedOrCode(() =>
    verifyTyped(jws, ClearingMessage, {
      resolveKey: ctx.directory.resolveOperatorKey,
      audience: ctx.operatorId,
      nowMs: ctx.clock().getTime(),
    }),
  );
  if (typeof message === 'string') return message;
  return settle(ctx, message.iss, message.body, jws);
}
