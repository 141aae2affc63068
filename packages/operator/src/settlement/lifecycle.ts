import { postToPeer } from '../federation/client.ts';
import { stringField } from '../federation/link.ts';
import { inTransaction } from '../parties/transaction.ts';
import { bookAndSettle, ensureSettlementAccounts } from './booking.ts';
import type { SettlementContext } from './deps.ts';
import type { SettlementError } from './errors.ts';
import {
  ACKNOWLEDGEMENT_TYPE,
  SETTLE_NOTICE_TYPE,
  SETTLEMENT_ITEMS_MAX,
  SETTLEMENT_STATEMENT_PATH,
  type SettlementBatch,
  type SettlementFaultPoint,
  STATEMENT_TYPE,
  settleNoticePath,
} from './model.ts';
import {
  mirrored,
  type Signer,
  sameStatement,
  signStatement,
  statementOf,
  verifyStatement,
} from './statement.ts';
import {
  advanceStatus,
  batchItems,
  findBatch,
  findOpenBatch,
  insertBatch,
  unbatchedPositions,
} from './store.ts';

export interface RunOptions {
  readonly cutOff?: Date;
  /** Crash injection for tests: throws at the named point, as if the process died there. */
  readonly fault?: (point: SettlementFaultPoint) => void;
}

/**
 * The initiator's state machine, prepared -> sent -> acknowledged -> settled.
 * Each step is guarded by a compare-and-set on the status and is safe to run
 * again: a run resumes the peer's open batch where the last one stopped.
 * Returns the batch (settled, or where a peer failure left it), undefined when
 * there was nothing to settle.
 */
export async function runSettlement(
  ctx: SettlementContext,
  peerId: string,
  currency: string,
  options: RunOptions = {},
): Promise<SettlementBatch | undefined | SettlementError> {
  if (peerId === ctx.operatorId) return 'settlement_peer_self';
  if (!ctx.directory.peer(peerId)) return 'settlement_peer_unknown';
  let batch =
    (await findOpenBatch(ctx.db.kysely, peerId, currency)) ?? (await prepare(ctx, peerId, currency, options));
  if (!batch) return undefined;
  options.fault?.('prepared');
  for (let step = 0; step < 4 && batch.status !== 'settled'; step++) {
    const next: SettlementBatch | SettlementError = await advance(ctx, batch, options);
    if (typeof next === 'string') return next;
    batch = next;
  }
  return batch;
}

async function advance(
  ctx: SettlementContext,
  batch: SettlementBatch,
  options: RunOptions,
): Promise<SettlementBatch | SettlementError> {
  switch (batch.status) {
    case 'prepared':
      return send(ctx, batch, options);
    case 'sent':
      return acknowledge(ctx, batch, options);
    case 'acknowledged':
      return settle(ctx, batch, options);
    case 'settled':
      return batch;
  }
}

/** Takes the unbatched clearings up to the cut-off into a new batch, in one transaction. */
async function prepare(
  ctx: SettlementContext,
  peerId: string,
  currency: string,
  options: RunOptions,
): Promise<SettlementBatch | undefined> {
  const now = ctx.clock();
  const cutOff = options.cutOff ?? now;
  const created = await inTransaction<SettlementBatch, 'nothing'>(ctx.db.kysely, async (trx) => {
    const items = await unbatchedPositions(trx, peerId, currency, cutOff, SETTLEMENT_ITEMS_MAX);
    if (items.length === 0) return 'nothing';
    const batch: SettlementBatch = {
      id: `b-${crypto.randomUUID()}`,
      role: 'initiator',
      peerOperatorId: peerId,
      currency,
      cutOff,
      status: 'prepared',
      netMinor: items.reduce((sum, item) => sum + item.amountMinor, 0n),
      itemCount: items.length,
      statementJws: null,
      acknowledgementJws: null,
      ledgerTransferId: null,
    };
    // The item rows' primary key refuses a clearing some other batch took meanwhile: the whole batch rolls back.
    await insertBatch(trx, batch, items, now);
    return batch;
  });
  return created === 'nothing' ? undefined : created;
}

function signer(ctx: SettlementContext): Signer {
  return { key: ctx.key, operatorId: ctx.operatorId, nowMs: () => ctx.clock().getTime() };
}

/** Signs our view; `sent` means "may have reached the peer", so every later run re-sends it (idempotent there). */
async function send(
  ctx: SettlementContext,
  batch: SettlementBatch,
  options: RunOptions,
): Promise<SettlementBatch> {
  const items = await batchItems(ctx.db.kysely, batch.id);
  const jws = await signStatement(
    signer(ctx),
    STATEMENT_TYPE,
    batch.peerOperatorId,
    statementOf(batch, items),
  );
  await advanceStatus(ctx.db.kysely, batch.id, 'prepared', 'sent', ctx.clock(), { statementJws: jws });
  options.fault?.('sent');
  return reload(ctx, batch.id);
}

/** Delivers the statement (signed afresh: a JWS is fresh for minutes only) and checks the peer's signed view. */
async function acknowledge(
  ctx: SettlementContext,
  batch: SettlementBatch,
  options: RunOptions,
): Promise<SettlementBatch | SettlementError> {
  const peer = ctx.directory.peer(batch.peerOperatorId);
  if (!peer) return 'settlement_peer_unknown';
  const ours = statementOf(batch, await batchItems(ctx.db.kysely, batch.id));
  const statement = await signStatement(signer(ctx), STATEMENT_TYPE, peer.id, ours);
  const answer = await postToPeer(peer, SETTLEMENT_STATEMENT_PATH, { statement }, fetchOption(ctx));
  if (!answer.ok) {
    ctx.log?.warn({ batchId: batch.id, code: answer.code }, 'settlement statement refused or undelivered');
    return 'settlement_peer_failed';
  }
  options.fault?.('peer_acknowledged');
  const acknowledgement = stringField(answer.body, 'acknowledgement');
  if (acknowledgement === undefined) return 'settlement_acknowledgement_invalid';
  const theirs = await verifyStatement(acknowledgement, ACKNOWLEDGEMENT_TYPE, {
    resolveKey: ctx.directory.resolveOperatorKey,
    operatorId: ctx.operatorId,
    nowMs: ctx.clock().getTime(),
  });
  if (
    typeof theirs === 'string' ||
    theirs.issuer !== peer.id ||
    !sameStatement(mirrored(theirs.body), ours)
  ) {
    return 'settlement_acknowledgement_invalid';
  }
  await advanceStatus(ctx.db.kysely, batch.id, 'sent', 'acknowledged', ctx.clock(), {
    statementJws: statement,
    acknowledgementJws: acknowledgement,
  });
  options.fault?.('acknowledged');
  return reload(ctx, batch.id);
}

/** The peer books its side first (idempotent there), then we book ours and close the batch in one transaction. */
async function settle(
  ctx: SettlementContext,
  batch: SettlementBatch,
  options: RunOptions,
): Promise<SettlementBatch | SettlementError> {
  const peer = ctx.directory.peer(batch.peerOperatorId);
  if (!peer) return 'settlement_peer_unknown';
  const notice = await signStatement(signer(ctx), SETTLE_NOTICE_TYPE, peer.id, {
    batchId: batch.id,
    currency: batch.currency,
    netMinor: batch.netMinor,
  });
  const answer = await postToPeer(peer, settleNoticePath(batch.id), { notice }, fetchOption(ctx));
  if (!answer.ok || answer.body.status !== 'settled') {
    ctx.log?.warn(
      { batchId: batch.id, code: answer.ok ? 'bad_status' : answer.code },
      'settle notice failed',
    );
    return 'settlement_peer_failed';
  }
  options.fault?.('peer_settled');
  await ensureSettlementAccounts(ctx, batch);
  await inTransaction(ctx.db.kysely, async (trx) => {
    const locked = await findBatch(trx, batch.id, true);
    if (!locked) throw new Error(`assertion: batch ${batch.id} vanished`);
    if (locked.status === 'acknowledged') await bookAndSettle(ctx, trx, locked, 'acknowledged');
    return locked;
  });
  return reload(ctx, batch.id);
}

async function reload(ctx: SettlementContext, id: string): Promise<SettlementBatch> {
  const batch = await findBatch(ctx.db.kysely, id);
  if (!batch) throw new Error(`assertion: batch ${id} vanished`);
  return batch;
}

function fetchOption(ctx: SettlementContext) {
  return ctx.fetch ? { fetch: ctx.fetch } : {};
}
