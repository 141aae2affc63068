import type { Selectable } from 'kysely';
import type { LedgerAccountsTable, LedgerTransfersTable } from '../db/schema.ts';
import { assert } from './assert.ts';
import type { Account, AccountKind, Transfer } from './model.ts';
import type { AccountState, TransferRecord } from './state.ts';

/** Rows <-> domain objects. Money stays bigint end to end (int8 parses to bigint on both engines). */

export type AccountRow = Selectable<LedgerAccountsTable>;
export type TransferRow = Selectable<LedgerTransfersTable>;

/** TigerBeetle's transfer flag bit for `linked`, the one flag we store. */
export const TRANSFER_FLAG_LINKED = 1;

export function accountFromRow(row: AccountRow): AccountState {
  assertBigints(row.id, row.debits_pending, row.debits_posted, row.credits_pending, row.credits_posted);
  return {
    id: row.id,
    currency: row.currency,
    kind: row.kind as AccountKind,
    flags: row.flags,
    debitsPendingMinor: row.debits_pending,
    debitsPostedMinor: row.debits_posted,
    creditsPendingMinor: row.credits_pending,
    creditsPostedMinor: row.credits_posted,
    createdAt: row.created_at,
  };
}

export function accountView(state: AccountState): Account {
  return {
    id: state.id,
    currency: state.currency,
    kind: state.kind,
    flags: state.flags,
    debitsPendingMinor: state.debitsPendingMinor,
    debitsPostedMinor: state.debitsPostedMinor,
    creditsPendingMinor: state.creditsPendingMinor,
    creditsPostedMinor: state.creditsPostedMinor,
    createdAt: state.createdAt,
  };
}

export function transferFromRow(row: TransferRow): TransferRecord {
  assertBigints(row.id, row.amount, row.seq);
  return {
    seq: row.seq,
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amountMinor: row.amount,
    currency: row.currency,
    linked: (row.flags & TRANSFER_FLAG_LINKED) !== 0,
    pendingId: row.pending_id,
    timeoutSeconds: row.timeout_seconds,
    expiresAt: row.expires_at,
    pendingStatus: row.pending_status,
    code: row.code,
    userData: row.user_data,
    createdAt: row.created_at,
  };
}

/** A record as the caller sees it, once it has its journal position. */
export function transferView(record: TransferRecord): Transfer {
  assert(record.seq !== null, `transfer ${record.id} has no seq`);
  // Spelled out: a fixed key order on the wire, and nothing internal leaks.
  return {
    id: record.id,
    kind: record.kind,
    debitAccountId: record.debitAccountId,
    creditAccountId: record.creditAccountId,
    amountMinor: record.amountMinor,
    currency: record.currency,
    linked: record.linked,
    pendingId: record.pendingId,
    timeoutSeconds: record.timeoutSeconds,
    expiresAt: record.expiresAt,
    pendingStatus: record.pendingStatus,
    code: record.code,
    userData: record.userData,
    seq: record.seq,
    createdAt: record.createdAt,
  };
}

function assertBigints(id: string, ...values: unknown[]): void {
  // A driver handing back int8 as string or number would silently break money maths.
  assert(
    values.every((value) => typeof value === 'bigint'),
    `row ${id}: int8 column not parsed as bigint`,
  );
}
