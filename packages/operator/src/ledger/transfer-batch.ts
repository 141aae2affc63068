import { assert } from './assert.ts';
import { expireDueHolds } from './hold-lifecycle.ts';
import type { LedgerExecutor, TransferInput, TransferResult } from './model.ts';
import type { TransferOutcome } from './outcome.ts';
import { transferView } from './rows.ts';
import { LedgerState } from './state.ts';
import { executeTransfers } from './state-machine.ts';
import { loadAccounts } from './store-accounts.ts';
import { lockDueHolds, lockTransfers, selectTransfers } from './store-transfers.ts';
import { writeBatch } from './store-write.ts';
import { isLedgerId, isResolution } from './validate.ts';

/**
 * One batch, one transaction, a constant number of round trips:
 *   1. lock the holds that posts/voids name (id order)        - only if any,
 *   2. lock every account with a limit (id order) and read the others,
 *      learning in the same statement which input ids already exist,
 *   3. read those existing transfers (replays)                 - only if any,
 *   4. run the pure state machine in memory,
 *   5. write journal rows, balance deltas and resolved holds in one
 *      statement, which locks the accounts without a limit (id order, after
 *      the limited ones: one global order, no deadlock) and
 *      re-checks (fresh snapshot) that no refused id appeared meanwhile.
 * Each group is one caller's inputs: results come back per group, and a
 * linked chain never crosses a group boundary.
 */
export async function executeTransferGroups(
  ex: LedgerExecutor,
  groups: readonly (readonly TransferInput[])[],
  now: Date,
): Promise<TransferResult[][]> {
  const inputs = groups.flat();
  const holdIds = distinct(inputs.flatMap((i) => (isResolution(i) ? [i.pendingId] : [])));
  const holds = await lockTransfers(ex, holdIds);
  const held = new Set(holds.map((h) => h.id));
  const inputIds = distinct(inputs.map((i) => i.id)).filter((id) => !held.has(id));
  const accountIds = inputs.flatMap((i) => (isResolution(i) ? [] : [i.debitAccountId, i.creditAccountId]));
  for (const hold of holds) accountIds.push(hold.debitAccountId, hold.creditAccountId);
  const locked = await loadAccounts(ex, distinct(accountIds), inputIds);
  const existingIds = locked.existingTransferIds ?? inputIds;
  const existing = existingIds.length > 0 ? await selectTransfers(ex, existingIds) : [];
  const state = new LedgerState(locked.accounts, [...holds, ...existing]);
  expireDueHolds(state, holdIds, now);
  const outcomes = groups.map((group) => executeTransfers(state, group, now));
  await write(ex, state, refusedUnknownIds(state, outcomes.flat()));
  return outcomes.map((group) => group.map(toResult));
}

/** Refused inputs whose ids the batch never saw as transfers: the write re-checks them. */
function refusedUnknownIds(state: LedgerState, outcomes: readonly TransferOutcome[]): string[] {
  return distinct(outcomes.flatMap((o) => (!o.ok && state.transfer(o.id) === undefined ? [o.id] : [])));
}

/** The sweeper's batch: expire up to `limit` due holds, with the same locking order as any batch. */
export async function expireHolds(ex: LedgerExecutor, now: Date, limit: number): Promise<number> {
  const holds = await lockDueHolds(ex, now, limit);
  if (holds.length === 0) return 0;
  const { accounts } = await loadAccounts(
    ex,
    distinct(holds.flatMap((h) => [h.debitAccountId, h.creditAccountId])),
  );
  const state = new LedgerState(accounts, holds);
  const expired = expireDueHolds(
    state,
    holds.map((h) => h.id),
    now,
  );
  assert(expired === holds.length, 'a locked due hold was not expired');
  await write(ex, state, []);
  return expired;
}

async function write(ex: LedgerExecutor, state: LedgerState, absentIds: readonly string[]): Promise<void> {
  const transfers = state.created();
  const seqs = await writeBatch(ex, {
    transfers,
    accounts: state.changedAccountDeltas(),
    resolvedHolds: state.resolvedHolds(),
    absentIds,
  });
  for (const record of transfers) {
    const seq = seqs.get(record.id);
    assert(seq !== undefined, `no seq came back for transfer ${record.id}`);
    record.seq = seq;
  }
}

function toResult(outcome: TransferOutcome): TransferResult {
  if (!outcome.ok) return outcome;
  return { ok: true, transfer: transferView(outcome.transfer), replayed: outcome.replayed };
}

/** Valid ids only, once each: an id that cannot exist is not worth a lookup (the state machine reports it). */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter(isLedgerId);
}
