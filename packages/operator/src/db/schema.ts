import type { ColumnType, Generated } from 'kysely';

/** Kysely's view of the tables. Every domain adds its tables here beside its migration. */
export interface Schema {
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
}

export interface LedgerAccountsTable {
  id: string;
  currency: string;
  kind: string;
  flags: number;
  debits_pending: Generated<bigint>;
  debits_posted: Generated<bigint>;
  credits_pending: Generated<bigint>;
  credits_posted: Generated<bigint>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface LedgerTransfersTable {
  seq: Generated<bigint>;
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  currency: string;
  flags: number;
  pending_id: string | null;
  timeout_seconds: number;
  expires_at: Date | null;
  pending_status: 'pending' | 'posted' | 'voided' | 'expired' | null;
  code: number;
  user_data: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}
