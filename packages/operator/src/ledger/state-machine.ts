import { assert } from './assert.ts';
import type { TransferError } from './errors.ts';
import { resolveHold } from './hold-lifecycle.ts';
import { existingMovementError } from './idempotency.ts';
import { AccountFlags, AMOUNT_MAX_MINOR, type MovementInput, type TransferInput } from './model.ts';
import { commonFields, failure, success, type TransferOutcome } from './outcome.ts';
import type { AccountState, LedgerState, TransferRecord } from './state.ts';
import { isResolution, validateTransferInput } from './validate.ts';

/**
 * The ledger's rules, pure: no I/O, no clock. Given the state a batch loaded
 * (locked accounts, the transfers it names) and `now`, it decides every
 * result and records the changes in `state` for the store to write.
 *
 * Applies one caller's inputs in order. A linked chain never reaches past
 * `inputs` (the batcher relies on this to keep callers apart); if one link
 * fails, the whole chain is rolled back.
 */
export function executeTransfers(
  state: LedgerState,
  inputs: readonly TransferInput[],
  now: Date,
): TransferOutcome[] {
  const outcomes: TransferOutcome[] = [];
  let chainStart: number | null = null;
  let chainCheckpoint = 0;
  let chainBroken = false;
  for (const [index, input] of inputs.entries()) {
    const linked = input.linked === true;
    if (chainStart === null && linked) {
      chainStart = index;
      chainCheckpoint = state.checkpoint();
      chainBroken = false;
    }
    let outcome: TransferOutcome;
    if (chainBroken) outcome = failure(input, 'linked_event_failed');
    else if (linked && index === inputs.length - 1) outcome = failure(input, 'linked_event_chain_open');
    else outcome = executeTransfer(state, input, now);
    outcomes.push(outcome);
    if (!outcome.ok && chainStart !== null && !chainBroken) {
      chainBroken = true;
      state.rollback(chainCheckpoint);
      for (let i = chainStart; i < index; i++) {
        outcomes[i] = failure(inputs[i] as TransferInput, 'linked_event_failed');
      }
    }
    if (!linked) {
      chainStart = null;
      chainBroken = false;
      state.settle();
    }
  }
  assert(outcomes.length === inputs.length, 'one outcome per input');
  return outcomes;
}

export function executeTransfer(state: LedgerState, input: TransferInput, now: Date): TransferOutcome {
  const invalid = validateTransferInput(input);
  if (invalid !== null) return failure(input, invalid);
  return isResolution(input) ? resolveHold(state, input, now) : placeMovement(state, input, now);
}

/** A `single` transfer (posted now) or a `pending` one (a hold). */
function placeMovement(state: LedgerState, input: MovementInput, now: Date): TransferOutcome {
  const existing = state.transfer(input.id);
  if (existing !== undefined) {
    const different = existingMovementError(input, existing);
    return different === null ? success(existing, true) : failure(input, different);
  }
  const debit = state.account(input.debitAccountId);
  if (debit === undefined) return failure(input, 'debit_account_not_found');
  const credit = state.account(input.creditAccountId);
  if (credit === undefined) return failure(input, 'credit_account_not_found');
  if (debit.currency !== input.currency || credit.currency !== input.currency) {
    return failure(input, 'currency_mismatch');
  }
  const refused = balanceError(debit, credit, input.amountMinor);
  if (refused !== null) return failure(input, refused);
  const pending = input.kind === 'pending';
  const amount = input.amountMinor;
  state.move(debit, pending ? [amount, 0n, 0n, 0n] : [0n, amount, 0n, 0n]);
  state.move(credit, pending ? [0n, 0n, amount, 0n] : [0n, 0n, 0n, amount]);
  const timeoutSeconds = input.timeoutSeconds ?? 0;
  const transfer: TransferRecord = {
    ...commonFields(input, now),
    kind: input.kind,
    debitAccountId: debit.id,
    creditAccountId: credit.id,
    amountMinor: amount,
    currency: input.currency,
    pendingId: null,
    timeoutSeconds,
    expiresAt: pending && timeoutSeconds > 0 ? new Date(now.getTime() + timeoutSeconds * 1000) : null,
    pendingStatus: pending ? 'pending' : null,
  };
  state.create(transfer);
  return success(transfer, false);
}

/**
 * Limits count pending amounts, so a hold reserves what it may later post and
 * resolving it can never break a limit. Totals (pending + posted) must fit a
 * bigint column, so posting a hold can never overflow either.
 */
function balanceError(debit: AccountState, credit: AccountState, amountMinor: bigint): TransferError | null {
  const debitsAfter = debit.debitsPendingMinor + debit.debitsPostedMinor + amountMinor;
  const creditsAfter = credit.creditsPendingMinor + credit.creditsPostedMinor + amountMinor;
  if (debitsAfter > AMOUNT_MAX_MINOR) return 'overflows_debits';
  if (creditsAfter > AMOUNT_MAX_MINOR) return 'overflows_credits';
  if (
    (debit.flags & AccountFlags.debitsMustNotExceedCredits) !== 0 &&
    debitsAfter > debit.creditsPostedMinor
  ) {
    return 'exceeds_credits';
  }
  if (
    (credit.flags & AccountFlags.creditsMustNotExceedDebits) !== 0 &&
    creditsAfter > credit.debitsPostedMinor
  ) {
    return 'exceeds_debits';
  }
  return null;
}
