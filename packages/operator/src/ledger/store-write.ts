import { sql } from 'kysely';
import { assert } from './assert.ts';
import type { LedgerExecutor } from './model.ts';
import { TRANSFER_FLAG_LINKED } from './rows.ts';
import type { AccountDelta, TransferRecord } from './state.ts';

export interface BatchWrite {
  /** New journal rows, in order. */
  readonly transfers: readonly TransferRecord[];
  /**
   * What the batch adds to each account's balances. Deltas, not absolute
   * values: accounts without a limit are not locked before the write
   * (migration 032), so their committed balances may have moved meanwhile.
   */
  readonly accounts: readonly AccountDelta[];
  /** Holds that existed before the batch and were resolved in it. */
  readonly resolvedHolds: readonly TransferRecord[];
  /**
   * Ids of inputs the batch refused, read as not existing: if one exists by
   * now (a concurrent original committed), the write fails with 40001 and
   * the batch is retried, so a duplicate is replayed, never refused.
   */
  readonly absentIds: readonly string[];
}

/**
 * Writes a whole batch in ONE round trip (`ledger_write_batch_deltas`,
 * migration 032): insert the journal rows, add the balance deltas, mark the
 * resolved holds. A hot account is written once per batch; an account
 * without a limit is locked here, by this statement, so it stays locked
 * only until the commit that follows. Returns each new id's seq.
 */
export async function writeBatch(ex: LedgerExecutor, write: BatchWrite): Promise<Map<string, bigint>> {
  const { transfers: t, accounts: a, resolvedHolds: h, absentIds } = write;
  // Every balance change and every resolution has its journal row.
  assert(
    t.length > 0 || (a.length === 0 && h.length === 0),
    'balances or holds changed without a journal row',
  );
  if (t.length === 0 && absentIds.length === 0) return new Map();
  const col = <T>(pick: (r: TransferRecord) => T): T[] => t.map(pick);
  const { rows } = await sql<{ id: string; seq: bigint }>`
    select id, seq from ledger_write_batch_deltas(
      ${col((r) => r.id)}::text[], ${col((r) => r.kind)}::text[],
      ${col((r) => r.debitAccountId)}::text[], ${col((r) => r.creditAccountId)}::text[],
      ${col((r) => r.amountMinor)}::int8[], ${col((r) => r.currency)}::text[],
      ${col((r) => (r.linked ? TRANSFER_FLAG_LINKED : 0))}::int4[], ${col((r) => r.pendingId)}::text[],
      ${col((r) => r.timeoutSeconds)}::int4[], ${col((r) => r.expiresAt)}::timestamptz[],
      ${col((r) => r.pendingStatus)}::text[], ${col((r) => r.code)}::int4[],
      ${col((r) => r.userData)}::text[], ${col((r) => r.createdAt)}::timestamptz[],
      ${a.map((x) => x.id)}::text[],
      ${a.map((x) => x.deltas[0])}::int8[], ${a.map((x) => x.deltas[1])}::int8[],
      ${a.map((x) => x.deltas[2])}::int8[], ${a.map((x) => x.deltas[3])}::int8[],
      ${h.map((x) => x.id)}::text[], ${h.map((x) => x.pendingStatus)}::text[],
      ${absentIds}::text[])`.execute(ex);
  assert(rows.length === t.length, 'insert returned a different number of rows');
  return new Map(rows.map((row) => [row.id, row.seq]));
}
