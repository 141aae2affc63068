import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { operatorAccount } from '../mta/accounts.ts';
import { interopAccountId } from '../mta/model.ts';
import { applyTransfer } from '../parties/ledger-calls.ts';
import type { SettlementContext } from './deps.ts';
import { type SettlementBatch, SettlementLedgerIds, settlementAccountId } from './model.ts';
import { advanceStatus } from './store.ts';

export async function ensureSettlementAccounts(
  ctx: SettlementContext,
  batch: SettlementBatch,
): Promise<void> {
  await ctx.ensureAccounts([
    operatorAccount(
      interopAccountId(ctx.operatorId, batch.peerOperatorId, batch.currency),
      batch.currency,
      'operator_interop',
    ),
    operatorAccount(
      settlementAccountId(ctx.operatorId, batch.peerOperatorId, batch.currency),
      batch.currency,
      'operator_settlement',
    ),
  ]);
}

/**
 * Books the batch's net out of the interop account into the settlement
 * (nostro) account and marks it settled, in one transaction: the peer owes us
 * (net > 0) -> debit settlement, credit interop; we owe -> the reverse. The
 * ledger id is `stl.<batch>.<cur>`, so even a second run that got past the
 * status guard would find the same transfer and book nothing new.
 */
export async function bookAndSettle(
  ctx: SettlementContext,
  trx: Kysely<Schema>,
  batch: SettlementBatch,
  from: SettlementBatch['status'],
): Promise<void> {
  let transferId: string | null = null;
  if (batch.netMinor !== 0n) {
    const interop = interopAccountId(ctx.operatorId, batch.peerOperatorId, batch.currency);
    const settlement = settlementAccountId(ctx.operatorId, batch.peerOperatorId, batch.currency);
    const peerOwes = batch.netMinor > 0n;
    const result = await applyTransfer(
      ctx.ledger,
      {
        id: SettlementLedgerIds.settle(batch.id, batch.currency),
        kind: 'single',
        debitAccountId: peerOwes ? settlement : interop,
        creditAccountId: peerOwes ? interop : settlement,
        amountMinor: peerOwes ? batch.netMinor : -batch.netMinor,
        currency: batch.currency,
      },
      trx,
    );
    // Both accounts are the operator's own and unlimited: a refusal is a bug.
    if (typeof result === 'string')
      throw new Error(`assertion: settlement booking of ${batch.id} failed: ${result}`);
    transferId = result.transfer.id;
  }
  const moved = await advanceStatus(trx, batch.id, from, 'settled', ctx.clock(), {
    ledgerTransferId: transferId,
  });
  if (!moved) throw new Error(`assertion: batch ${batch.id} left ${from} under its lock`);
}
