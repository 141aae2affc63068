import { inTransaction } from '../parties/transaction.ts';
import { bookAndSettle, ensureSettlementAccounts } from './booking.ts';
import type { SettlementContext } from './deps.ts';
import type { SettlementError } from './errors.ts';
import {
  ACKNOWLEDGEMENT_TYPE,
  SETTLE_NOTICE_TYPE,
  type SettlementBatch,
  STATEMENT_TYPE,
  type StatementBody,
} from './model.ts';
import {
  mirrored,
  sameStatement,
  signStatement,
  statementOf,
  verifySettleNotice,
  verifyStatement,
} from './statement.ts';
import { batchedAmong, batchItems, findBatch, insertBatch, ownPositions } from './store.ts';

/**
 * A peer's statement: verified under its published key, every item checked
 * against our own clearings with that peer (same transaction, amount with the
 * opposite sign), none already in another batch. Then our copy is stored as
 * `acknowledged` and our own view signed back. The same statement again gets a
 * freshly signed copy of the same view.
 */
export async function receiveStatement(
  ctx: SettlementContext,
  jws: string,
): Promise<{ acknowledgement: string } | SettlementError> {
  const verified = await verifyStatement(jws, STATEMENT_TYPE, verifyDeps(ctx));
  if (typeof verified === 'string') return verified;
  const peer = verified.issuer;
  if (peer === ctx.operatorId) return 'settlement_peer_self';
  const ours = mirrored(verified.body);
  const stored = await findBatch(ctx.db.kysely, ours.batchId);
  if (stored)
    return stored.role === 'responder' && stored.peerOperatorId === peer
      ? reAcknowledge(ctx, stored, ours)
      : 'settlement_conflict';
  const checked = await checkItems(ctx, peer, ours);
  if (checked !== true) return checked;
  const now = ctx.clock();
  const batch: SettlementBatch = {
    id: ours.batchId,
    role: 'responder',
    peerOperatorId: peer,
    currency: ours.currency,
    cutOff: new Date(ours.cutOff),
    status: 'acknowledged',
    netMinor: ours.netMinor,
    itemCount: ours.items.length,
    statementJws: jws,
    acknowledgementJws: null,
    ledgerTransferId: null,
  };
  const acknowledgement = await signStatement(signerOf(ctx), ACKNOWLEDGEMENT_TYPE, peer, ours);
  const items = ours.items.map((item) => ({ ...item, clearedAt: now }));
  const saved = await inTransaction<SettlementBatch, 'settlement_item_batched'>(
    ctx.db.kysely,
    async (trx) => {
      // Checked again under the transaction; the primary key on items is the last word.
      if (
        (
          await batchedAmong(
            trx,
            items.map((item) => item.transactionId),
          )
        ).size > 0
      )
        return 'settlement_item_batched';
      await insertBatch(trx, { ...batch, acknowledgementJws: acknowledgement }, items, now);
      return batch;
    },
  );
  return typeof saved === 'string' ? saved : { acknowledgement };
}

async function reAcknowledge(
  ctx: SettlementContext,
  stored: SettlementBatch,
  ours: StatementBody,
): Promise<{ acknowledgement: string } | SettlementError> {
  const mine = statementOf(stored, await batchItems(ctx.db.kysely, stored.id));
  if (!sameStatement(mine, ours)) return 'settlement_conflict';
  return {
    acknowledgement: await signStatement(signerOf(ctx), ACKNOWLEDGEMENT_TYPE, stored.peerOperatorId, mine),
  };
}

async function checkItems(
  ctx: SettlementContext,
  peer: string,
  ours: StatementBody,
): Promise<true | SettlementError> {
  const ids = ours.items.map((item) => item.transactionId);
  const positions = await ownPositions(ctx.db.kysely, peer, ours.currency, ids);
  for (const item of ours.items) {
    const own = positions.get(item.transactionId);
    if (own === undefined) return 'settlement_item_unknown';
    if (own !== item.amountMinor) return 'settlement_item_mismatch';
  }
  if ((await batchedAmong(ctx.db.kysely, ids)).size > 0) return 'settlement_item_batched';
  return true;
}

/** The initiator's settle notice: we book our side once (`stl.<batch>.<cur>`); again -> the same answer. */
export async function receiveSettleNotice(
  ctx: SettlementContext,
  batchId: string,
  jws: string,
): Promise<{ batchId: string; status: 'settled' } | SettlementError> {
  const verified = await verifySettleNotice(jws, SETTLE_NOTICE_TYPE, verifyDeps(ctx));
  if (typeof verified === 'string') return verified;
  const batch = await findBatch(ctx.db.kysely, batchId);
  if (batch?.role !== 'responder' || batch.peerOperatorId !== verified.issuer)
    return 'settlement_batch_not_found';
  if (
    verified.body.batchId !== batchId ||
    verified.body.currency !== batch.currency ||
    verified.body.netMinor !== -batch.netMinor
  ) {
    return 'settlement_conflict';
  }
  await ensureSettlementAccounts(ctx, batch);
  await inTransaction(ctx.db.kysely, async (trx) => {
    const locked = await findBatch(trx, batchId, true);
    if (!locked) throw new Error(`assertion: batch ${batchId} vanished`);
    if (locked.status === 'acknowledged') await bookAndSettle(ctx, trx, locked, 'acknowledged');
    return locked;
  });
  return { batchId, status: 'settled' };
}

function verifyDeps(ctx: SettlementContext) {
  return {
    resolveKey: ctx.directory.resolveOperatorKey,
    operatorId: ctx.operatorId,
    nowMs: ctx.clock().getTime(),
  };
}

function signerOf(ctx: SettlementContext) {
  return { key: ctx.key, operatorId: ctx.operatorId, nowMs: () => ctx.clock().getTime() };
}
