import { isCurrency } from '@tallystick/protocol';
import type { Database } from '../db/database.ts';
import type { Account, LedgerService, Transfer } from '../ledger/model.ts';
import type { PartyError } from './errors.ts';
import { type Applied, applyTransfer } from './ledger-calls.ts';
import { LedgerIds, type Party, type Principal } from './model.ts';
import type { OperatorAccounts } from './operator-accounts.ts';
import { findPartyByAccountId } from './repository.ts';

export interface AccountsDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly operatorAccounts: OperatorAccounts;
}

export interface AccountView {
  readonly account: Account;
  readonly owner: Party | undefined;
}

export interface TransferPage {
  readonly transfers: readonly Transfer[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextBeforeSeq: bigint | null;
}

export interface FundInput {
  readonly accountId: string;
  readonly transferId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export interface AccountsService {
  getAccount(viewer: Principal, accountId: string): Promise<AccountView | PartyError>;
  listTransfers(
    viewer: Principal,
    accountId: string,
    page: { readonly limit: number; readonly beforeSeq?: bigint },
  ): Promise<TransferPage | PartyError>;
  /** Admin only: money arriving from outside, from the operator's funding account. */
  fund(input: FundInput): Promise<Applied | PartyError>;
  /** A party's own transfer, already verified: debits `party`'s account only. */
  transfer(party: Party, input: PartyTransferInput): Promise<Applied | PartyError>;
}

export interface PartyTransferInput {
  readonly transferId: string;
  readonly fromAccountId: string;
  readonly toAccountId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export function createAccountsService(deps: AccountsDeps): AccountsService {
  const db = deps.db.kysely;

  /** A party sees its own account only; anything else is "not found", existing or not. */
  async function visibleAccount(viewer: Principal, accountId: string): Promise<AccountView | PartyError> {
    if (viewer.kind === 'party' && viewer.party.accountId !== accountId) return 'account_not_found';
    const [account] = await deps.ledger.lookupAccounts([accountId]);
    if (!account) return 'account_not_found';
    const owner = viewer.kind === 'party' ? viewer.party : await findPartyByAccountId(db, accountId);
    return { account, owner };
  }

  return {
    getAccount: visibleAccount,
    async listTransfers(viewer, accountId, page) {
      const visible = await visibleAccount(viewer, accountId);
      if (typeof visible === 'string') return visible;
      const transfers = await deps.ledger.listAccountTransfers(accountId, page);
      const last = transfers.at(-1);
      return { transfers, nextBeforeSeq: transfers.length === page.limit && last ? last.seq : null };
    },
    async fund(input) {
      if (!isCurrency(input.currency)) return 'currency_invalid';
      const owner = await findPartyByAccountId(db, input.accountId);
      if (!owner) return 'account_not_found';
      if (owner.currency !== input.currency) return 'currency_mismatch';
      return applyTransfer(deps.ledger, {
        id: LedgerIds.funding(input.transferId),
        kind: 'single',
        debitAccountId: deps.operatorAccounts.fundingAccountId,
        creditAccountId: owner.accountId,
        amountMinor: input.amountMinor,
        currency: input.currency,
      });
    },
    async transfer(party, input) {
      if (!isCurrency(input.currency)) return 'currency_invalid';
      if (input.fromAccountId !== party.accountId) return 'account_not_owned';
      if (input.currency !== party.currency) return 'currency_mismatch';
      // Only customers' and merchants' accounts take transfers, never the operator's own books.
      const payee = await findPartyByAccountId(db, input.toAccountId);
      if (!payee) return 'credit_account_not_found';
      return applyTransfer(deps.ledger, {
        id: LedgerIds.partyTransfer(party.id, input.transferId),
        kind: 'single',
        debitAccountId: party.accountId,
        creditAccountId: payee.accountId,
        amountMinor: input.amountMinor,
        currency: input.currency,
      });
    },
  };
}
