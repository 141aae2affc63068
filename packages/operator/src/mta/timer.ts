import type { ClearingBody } from '@tallystick/protocol';
import { inTransaction } from '../parties/transaction.ts';
import { ensureClearingAccounts } from './booking.ts';
import { clearLocked } from './clearing.ts';
import type { MtaContext } from './deps.ts';
import { findDueTransactionIds, findRecords, findTransaction, lockTransaction } from './repository.ts';

/** A clearing this node just committed, with what its delivery needs. */
export interface CommittedClearing {
  readonly body: ClearingBody;
  readonly amOperatorId: string;
}

/**
 * The timer agreed at initiation has run out (seed: a trading session stops
 * "after a timer expiry"): clear from whatever records are in. Each session
 * in its own transaction, under the same row lock as record submissions, so
 * a record arriving at the same moment either makes it in before or finds
 * the session cleared. Returns the clearings made, for delivery.
 */
export async function clearDue(ctx: MtaContext, limit: number): Promise<CommittedClearing[]> {
  const ids = await findDueTransactionIds(ctx.db.kysely, ctx.clock(), limit);
  const cleared: CommittedClearing[] = [];
  for (const id of ids) {
    const clearing = await clearIfDue(ctx, id);
    if (clearing) cleared.push(clearing);
  }
  return cleared;
}

async function clearIfDue(ctx: MtaContext, transactionId: string): Promise<CommittedClearing | undefined> {
  const transaction = await findTransaction(ctx.db.kysely, transactionId);
  if (!transaction) return undefined;
  await ensureClearingAccounts(ctx, transaction);
  const result = await inTransaction<{ cleared?: CommittedClearing }, never>(ctx.db.kysely, async (trx) => {
    const now = ctx.clock();
    const locked = await lockTransaction(trx, transactionId);
    if (locked?.status !== 'open' || locked.expiresAt.getTime() > now.getTime()) return {};
    const body = await clearLocked(ctx, trx, locked, await findRecords(trx, transactionId), now);
    return { cleared: { body, amOperatorId: locked.amOperatorId } };
  });
  return result.cleared;
}
