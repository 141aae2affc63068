import { assert } from './assert.ts';
import type { AccountError } from './errors.ts';
import type { AccountInput, AccountResult, LedgerExecutor } from './model.ts';
import { accountView } from './rows.ts';
import type { AccountState } from './state.ts';
import { insertAccounts, selectAccounts } from './store-accounts.ts';
import { isLedgerId, validateAccountInput } from './validate.ts';

/**
 * Creates accounts in one transaction: read the ids that exist, decide in
 * memory (an id repeated in the batch meets its first occurrence), insert the
 * new ones with one statement. A concurrent creator of the same id makes the
 * insert fail on the key; the retry then finds it here.
 */
export async function executeCreateAccounts(
  ex: LedgerExecutor,
  inputs: readonly AccountInput[],
  now: Date,
): Promise<AccountResult[]> {
  const ids = [...new Set(inputs.map((input) => input.id))].filter(isLedgerId);
  const known = new Map((await selectAccounts(ex, ids)).map((account) => [account.id, account]));
  const created: AccountState[] = [];
  const results = inputs.map((input): AccountResult => {
    const invalid = validateAccountInput(input);
    if (invalid !== null) return { ok: false, id: input.id, error: invalid };
    const existing = known.get(input.id);
    if (existing !== undefined) {
      const different = existingAccountError(input, existing);
      if (different !== null) return { ok: false, id: input.id, error: different };
      return { ok: true, account: accountView(existing), replayed: true };
    }
    const account = newAccount(input, now);
    known.set(account.id, account);
    created.push(account);
    return { ok: true, account: accountView(account), replayed: false };
  });
  await insertAccounts(ex, created);
  assert(results.length === inputs.length, 'one result per account input');
  return results;
}

function existingAccountError(input: AccountInput, existing: AccountState): AccountError | null {
  if (existing.currency !== input.currency) return 'exists_with_different_currency';
  if (existing.kind !== input.kind) return 'exists_with_different_kind';
  if (existing.flags !== input.flags) return 'exists_with_different_flags';
  return null;
}

function newAccount(input: AccountInput, now: Date): AccountState {
  return {
    id: input.id,
    currency: input.currency,
    kind: input.kind,
    flags: input.flags,
    debitsPendingMinor: 0n,
    debitsPostedMinor: 0n,
    creditsPendingMinor: 0n,
    creditsPostedMinor: 0n,
    createdAt: now,
  };
}
