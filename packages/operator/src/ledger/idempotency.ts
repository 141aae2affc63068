import { assert } from './assert.ts';
import type { TransferError } from './errors.ts';
import type { MovementInput, ResolutionInput } from './model.ts';
import type { TransferRecord } from './state.ts';

/**
 * A transfer id is an idempotency key: the same id with the same fields is the
 * original transfer (replayed), with other fields the first differing field
 * as an error. Failed inputs are not stored, so their ids stay free.
 */
export function existingMovementError(input: MovementInput, existing: TransferRecord): TransferError | null {
  if (existing.kind !== input.kind) return 'exists_with_different_kind';
  if (existing.debitAccountId !== input.debitAccountId) return 'exists_with_different_debit_account_id';
  if (existing.creditAccountId !== input.creditAccountId) return 'exists_with_different_credit_account_id';
  if (existing.amountMinor !== input.amountMinor) return 'exists_with_different_amount';
  if (existing.currency !== input.currency) return 'exists_with_different_currency';
  if (existing.timeoutSeconds !== (input.timeoutSeconds ?? 0)) return 'exists_with_different_timeout';
  return commonFieldsError(input, existing);
}

/**
 * A resolution is compared with its input, not with what it moved: a `post`
 * without an amount meant "all of the hold", a `void` without one (or 0)
 * meant "the hold", so both match the stored row.
 */
export function existingResolutionError(
  input: ResolutionInput,
  existing: TransferRecord,
  hold: TransferRecord | undefined,
): TransferError | null {
  if (existing.kind !== input.kind) return 'exists_with_different_kind';
  if (existing.pendingId !== input.pendingId) return 'exists_with_different_pending_id';
  assert(
    hold !== undefined,
    `resolution ${existing.id} exists but its hold ${input.pendingId} is not loaded`,
  );
  if (existing.amountMinor !== expectedAmountMinor(input, hold)) return 'exists_with_different_amount';
  return commonFieldsError(input, existing);
}

function expectedAmountMinor(input: ResolutionInput, hold: TransferRecord): bigint {
  if (input.amountMinor === undefined) return hold.amountMinor;
  if (input.kind === 'void' && input.amountMinor === 0n) return hold.amountMinor;
  return input.amountMinor;
}

function commonFieldsError(
  input: MovementInput | ResolutionInput,
  existing: TransferRecord,
): TransferError | null {
  if (existing.linked !== (input.linked === true)) return 'exists_with_different_linked';
  if (existing.code !== (input.code ?? 0)) return 'exists_with_different_code';
  if (existing.userData !== (input.userData ?? null)) return 'exists_with_different_user_data';
  return null;
}
