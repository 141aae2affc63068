import { AccountFlags, type AccountInput, type LedgerService } from '../ledger/model.ts';

/** The operator's own books in its currency. Neither is limited: both hold the operator's side of the money. */
export interface OperatorAccounts {
  /** Debited when the admin funds a party: money arriving from outside the network. */
  readonly fundingAccountId: string;
  /** Debited when a customer's credit limit is granted: money the operator lends. */
  readonly creditLineAccountId: string;
}

export function operatorAccountIds(operatorId: string, currency: string): OperatorAccounts {
  return {
    fundingAccountId: `op.${operatorId}.funding.${currency}`,
    creditLineAccountId: `op.${operatorId}.credit.${currency}`,
  };
}

/** Creates the operator's accounts; an existing one with the same fields is fine (every start calls this). */
export async function ensureOperatorAccounts(
  ledger: LedgerService,
  operatorId: string,
  currency: string,
): Promise<OperatorAccounts> {
  const ids = operatorAccountIds(operatorId, currency);
  const inputs: AccountInput[] = [
    { id: ids.fundingAccountId, currency, kind: 'operator_funding', flags: 0 },
    { id: ids.creditLineAccountId, currency, kind: 'operator_credit_line', flags: 0 },
  ];
  const results = await ledger.createAccounts(inputs);
  if (typeof results === 'string') throw new Error(`creating the operator's accounts failed: ${results}`);
  for (const result of results) {
    if (!result.ok) throw new Error(`creating operator account ${result.id} failed: ${result.error}`);
  }
  return ids;
}

/** Customer and merchant accounts can never be overdrawn: their credit is ledger money, not a flag. */
export const PARTY_ACCOUNT_FLAGS = AccountFlags.debitsMustNotExceedCredits;
