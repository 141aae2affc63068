import type { TransferError } from '../ledger/errors.ts';
import type {
  AccountInput,
  LedgerExecutor,
  LedgerService,
  Transfer,
  TransferInput,
} from '../ledger/model.ts';

export interface Applied {
  readonly transfer: Transfer;
  readonly replayed: boolean;
}

/** One transfer, one answer. A whole-call error here is a bug (we never send an empty or huge batch). */
export async function applyTransfer(
  ledger: LedgerService,
  input: TransferInput,
  executor?: LedgerExecutor,
): Promise<Applied | TransferError> {
  const results = await ledger.createTransfers([input], executor ? { executor } : {});
  if (typeof results === 'string') throw new Error(`assertion: one-transfer batch refused: ${results}`);
  const [result] = results;
  if (!result) throw new Error('assertion: the ledger returned no result for one transfer');
  return result.ok ? { transfer: result.transfer, replayed: result.replayed } : result.error;
}

/** Creates a fresh account; any error is a bug (ids are new and random, fields come from code). */
export async function createAccount(
  ledger: LedgerService,
  input: AccountInput,
  executor: LedgerExecutor,
): Promise<void> {
  const results = await ledger.createAccounts([input], { executor });
  if (typeof results === 'string') throw new Error(`assertion: one-account batch refused: ${results}`);
  const [result] = results;
  if (!result?.ok) throw new Error(`assertion: creating account ${input.id} failed: ${result?.error}`);
}
