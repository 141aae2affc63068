import { inTransaction } from '../parties/transaction.ts';
import { ensureClearingAccounts } from './booking.ts';
import { clearLocked } from './clearing.ts';
import type { MtaContext } from './deps.ts';
import { findDueTransactionIds, findRecords, findTransaction, lockTransaction } from './repository.ts';

/**
 * The timer agreed at initiation has run out (seed: a trading session stops
 * "after a timer expiry"): clear from whatever records are in. Each session
 * in its own transaction, under the same row lock as record submissions, so
 * a record arriving at the same moment either makes it in before or finds
 * the session cleared. Returns the ids cleared, for delivery.
 */
export async function clearDue(ctx: MtaContext, limit: number): Promise<string[]> {
  const ids = await findDueTransactionIds(ctx.db.kysely, ctx.clock(), limit);
  const cleared: string[] = [];
  for (const id of ids) {
    if (await clearIfDue(ctx, id)) cleared.push(id);
  }
  return cleared;
}

async function clearIfDue(ctx: MtaContext, transactionId: string): Promise<boolean> {
  const transaction = await findTransaction(ctx.db.kysely, transactionId);
  if (!transaction) return false;
  await ensureClearingAccounts(ctx, transaction);
  const result = await inTransaction<{ cleared: boolean }, never>(ctx.db.kysely, async (trx) => {
    const now = ctx.clock();
    const locked = await lockTransaction(trx, transactionId);
    if (locked?.status !== 'open' || locked.expiresAt.getTime() > now.getTime()) {
      return { cleared: false };
    }
    await clearLocked(ctx, trx, locked, await findRecords(trx, transactionId), now);
    return { cleared: true };
  });
  return result.cleared;
}
