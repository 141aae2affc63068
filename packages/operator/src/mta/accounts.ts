import type { AccountInput, LedgerService } from '../ledger/model.ts';

/**
 * Creates the operator's own accounts a booking needs, once per process:
 * outside the booking's transaction, so a concurrent first creation by
 * another request can never abort it. Creation is idempotent in the ledger.
 */
export function createAccountEnsurer(ledger: Pick<LedgerService, 'createAccounts'>) {
  const known = new Set<string>();
  return async (inputs: readonly AccountInput[]): Promise<void> => {
    const missing = inputs.filter((input) => !known.has(input.id));
    if (missing.length === 0) return;
    const results = await ledger.createAccounts(missing);
    if (typeof results === 'string') throw new Error(`assertion: creating accounts refused: ${results}`);
    for (const result of results) {
      if (!result.ok) throw new Error(`assertion: creating account ${result.id} failed: ${result.error}`);
      known.add(result.account.id);
    }
  };
}

export type AccountEnsurer = ReturnType<typeof createAccountEnsurer>;

/** An operator-owned, unlimited account: its balance is the operator's position, either sign. */
export function operatorAccount(id: string, currency: string, kind: AccountInput['kind']): AccountInput {
  return { id, currency, kind, flags: 0 };
}
