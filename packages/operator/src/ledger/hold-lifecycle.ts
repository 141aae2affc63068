import { assert } from './assert.ts';
import type { TransferError } from './errors.ts';
import { existingResolutionError } from './idempotency.ts';
import type { ResolutionInput } from './model.ts';
import { commonFields, failure, success, type TransferOutcome } from './outcome.ts';
import type { LedgerState, TransferRecord } from './state.ts';

/**
 * A hold's life: pending -> posted (all or part; the rest goes back) | voided
 * | expired, exactly once. Pure, like the state machine it belongs to.
 */

/** How the journal names the row a hold's expiry writes; `~` never appears in a client id. */
export function expiryTransferId(holdId: string): string {
  return `${holdId}~expire`;
}

export function isDue(hold: TransferRecord, now: Date): boolean {
  return hold.expiresAt !== null && hold.expiresAt.getTime() <= now.getTime();
}

export function resolveHold(state: LedgerState, input: ResolutionInput, now: Date): TransferOutcome {
  const hold = state.transfer(input.pendingId);
  const existing = state.transfer(input.id);
  if (existing !== undefined) {
    const different = existingResolutionError(input, existing, hold);
    return different === null ? success(existing, true) : failure(input, different);
  }
  if (hold === undefined) return failure(input, 'pending_transfer_not_found');
  if (hold.kind !== 'pending') return failure(input, 'pending_transfer_not_pending');
  if (hold.pendingStatus === 'posted') return failure(input, 'pending_transfer_already_posted');
  if (hold.pendingStatus === 'voided') return failure(input, 'pending_transfer_already_voided');
  if (hold.pendingStatus === 'expired') return failure(input, 'pending_transfer_expired');
  // Due holds were expired before any input ran (expireDueHolds), outside every chain.
  assert(!isDue(hold, now), `hold ${hold.id} is due but still pending`);
  const amountError = resolutionAmountError(input, hold.amountMinor);
  if (amountError !== null) return failure(input, amountError);
  const postedMinor = input.kind === 'post' ? (input.amountMinor ?? hold.amountMinor) : 0n;
  release(state, hold, input.kind === 'post' ? 'posted' : 'voided', postedMinor);
  const resolution: TransferRecord = {
    ...resolutionFields(hold),
    ...commonFields(input, now),
    kind: input.kind,
    // The amount actually moved: what was posted, or for a void what went back.
    amountMinor: input.kind === 'post' ? postedMinor : hold.amountMinor,
  };
  state.create(resolution);
  return success(resolution, false);
}

function resolutionAmountError(input: ResolutionInput, holdAmountMinor: bigint): TransferError | null {
  const amount = input.amountMinor;
  if (amount === undefined || amount === holdAmountMinor) return null;
  if (amount > holdAmountMinor) return 'exceeds_pending_transfer_amount';
  return input.kind === 'void' && amount !== 0n ? 'pending_transfer_has_different_amount' : null;
}

/**
 * Expires the named holds whose deadline has passed, each with an `expire`
 * journal row. Runs before a batch's inputs (so a post or void of a due hold
 * fails with `pending_transfer_expired`, and no chain rollback can undo the
 * expiry) and in the sweeper. Returns how many it expired.
 */
export function expireDueHolds(state: LedgerState, holdIds: readonly string[], now: Date): number {
  let expired = 0;
  for (const id of holdIds) {
    const hold = state.transfer(id);
    if (hold?.kind !== 'pending' || hold.pendingStatus !== 'pending' || !isDue(hold, now)) continue;
    release(state, hold, 'expired', 0n);
    state.create({
      ...resolutionFields(hold),
      id: expiryTransferId(hold.id),
      kind: 'expire',
      linked: false,
      code: 0,
      userData: null,
      createdAt: now,
    });
    expired++;
  }
  state.settle();
  return expired;
}

/** Takes a hold's amount out of pending on both sides and posts `postedMinor` of it. */
function release(
  state: LedgerState,
  hold: TransferRecord,
  status: 'posted' | 'voided' | 'expired',
  postedMinor: bigint,
): void {
  assert(postedMinor >= 0n && postedMinor <= hold.amountMinor, `hold ${hold.id}: posted amount out of range`);
  const debit = state.account(hold.debitAccountId);
  const credit = state.account(hold.creditAccountId);
  assert(debit !== undefined && credit !== undefined, `hold ${hold.id}: its accounts are not locked`);
  state.move(debit, [-hold.amountMinor, postedMinor, 0n, 0n]);
  state.move(credit, [0n, 0n, -hold.amountMinor, postedMinor]);
  state.setStatus(hold, status);
}

/** What a resolution row copies from its hold. */
function resolutionFields(hold: TransferRecord) {
  return {
    debitAccountId: hold.debitAccountId,
    creditAccountId: hold.creditAccountId,
    amountMinor: hold.amountMinor,
    currency: hold.currency,
    pendingId: hold.id,
    timeoutSeconds: 0,
    expiresAt: null,
    pendingStatus: null,
    seq: null,
  } as const;
}
