import { isCurrency } from '@tallystick/protocol';
import { assert } from './assert.ts';
import type { AccountError, TransferError } from './errors.ts';
import {
  AccountFlags,
  type AccountInput,
  type AccountKind,
  AMOUNT_MAX_MINOR,
  LEDGER_ID_PATTERN,
  type MovementInput,
  PENDING_TIMEOUT_SECONDS_MAX,
  type ResolutionInput,
  TRANSFER_CODE_MAX,
  type TransferInput,
  USER_DATA_LENGTH_MAX,
} from './model.ts';

/** Exhaustive: a new AccountKind fails to compile until it is listed here. */
const ACCOUNT_KINDS: { readonly [kind in AccountKind]: true } = {
  customer: true,
  merchant: true,
  operator_funding: true,
  operator_credit_line: true,
  operator_fees: true,
  operator_liquidity: true,
  operator_interop: true,
  operator_settlement: true,
};
const ACCOUNT_FLAGS_ALL = AccountFlags.debitsMustNotExceedCredits | AccountFlags.creditsMustNotExceedDebits;

export function isResolution(input: TransferInput): input is ResolutionInput {
  return input.kind === 'post' || input.kind === 'void';
}

export function isLedgerId(id: unknown): id is string {
  return typeof id === 'string' && LEDGER_ID_PATTERN.test(id);
}

/** Checks an account input on its own (no state): the first error, or null. */
export function validateAccountInput(input: AccountInput): AccountError | null {
  if (!isLedgerId(input.id)) return 'id_invalid';
  if (!isCurrency(input.currency)) return 'currency_invalid';
  if (!Object.hasOwn(ACCOUNT_KINDS, input.kind)) return 'kind_invalid';
  if (!Number.isSafeInteger(input.flags) || input.flags < 0 || (input.flags & ~ACCOUNT_FLAGS_ALL) !== 0) {
    return 'flags_invalid';
  }
  if (input.flags === ACCOUNT_FLAGS_ALL) return 'flags_are_mutually_exclusive';
  return null;
}

/** Checks a transfer input on its own (no state): the first error, or null. */
export function validateTransferInput(input: TransferInput): TransferError | null {
  if (!isLedgerId(input.id)) return 'id_invalid';
  const specific = isResolution(input) ? validateResolution(input) : validateMovement(input);
  if (specific !== null) return specific;
  const code = input.code ?? 0;
  if (!Number.isSafeInteger(code) || code < 0 || code > TRANSFER_CODE_MAX) return 'code_invalid';
  // PostgreSQL text cannot hold NUL; refuse it here rather than fail the whole batch there.
  if (
    input.userData !== undefined &&
    (input.userData.length > USER_DATA_LENGTH_MAX || input.userData.includes('\0'))
  ) {
    return 'user_data_invalid';
  }
  return null;
}

function validateMovement(input: MovementInput): TransferError | null {
  assert(input.kind === 'single' || input.kind === 'pending', `unknown transfer kind ${String(input.kind)}`);
  const amount = validateAmount(input.amountMinor);
  if (amount !== null) return amount;
  if (input.amountMinor === 0n) return 'amount_must_not_be_zero';
  if (!isCurrency(input.currency)) return 'currency_invalid';
  if (input.debitAccountId === input.creditAccountId) return 'accounts_must_be_different';
  const timeoutSeconds = input.timeoutSeconds ?? 0;
  if (input.kind === 'single') return timeoutSeconds === 0 ? null : 'timeout_reserved_for_pending_transfer';
  const valid =
    Number.isSafeInteger(timeoutSeconds) &&
    timeoutSeconds >= 0 &&
    timeoutSeconds <= PENDING_TIMEOUT_SECONDS_MAX;
  return valid ? null : 'timeout_invalid';
}

/**
 * `post` takes 1..hold amount (absent = all; to return everything, `void`).
 * `void` takes no amount, 0, or exactly the hold amount (TigerBeetle's rule),
 * checked against the hold later.
 */
function validateResolution(input: ResolutionInput): TransferError | null {
  if (input.amountMinor === undefined) return null;
  const amount = validateAmount(input.amountMinor);
  if (amount !== null) return amount;
  return input.kind === 'post' && input.amountMinor === 0n ? 'amount_must_not_be_zero' : null;
}

function validateAmount(amountMinor: bigint): TransferError | null {
  // A number here would lose cents silently: that is a caller bug, not bad input.
  assert(typeof amountMinor === 'bigint', `amountMinor is ${typeof amountMinor}, not bigint`);
  if (amountMinor < 0n) return 'amount_must_not_be_negative';
  if (amountMinor > AMOUNT_MAX_MINOR) return 'amount_overflow';
  return null;
}
