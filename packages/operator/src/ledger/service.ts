import type { Database } from '../db/database.ts';
import { executeCreateAccounts } from './accounts.ts';
import { assert } from './assert.ts';
import { createTransferBatcher, type TransferBatcherOptions } from './batcher.ts';
import type { LedgerCallError } from './errors.ts';
import {
  type Account,
  LEDGER_BATCH_MAX,
  type LedgerExecutor,
  type LedgerService,
  type Transfer,
  type TransferInput,
  type TransferResult,
} from './model.ts';
import { accountView, transferView } from './rows.ts';
import { selectAccounts } from './store-accounts.ts';
import { selectAccountTransfers, selectTransfers } from './store-transfers.ts';
import { inTransaction, type RetryListener } from './transaction.ts';
import { executeTransferGroups, expireHolds } from './transfer-batch.ts';

export interface LedgerServiceDeps {
  readonly db: Database;
  /** The ledger's time: transfer timestamps and hold deadlines. Injected in tests. */
  readonly clock?: () => Date;
  /**
   * Group commit: concurrent `createTransfers` calls without an `executor`
   * are coalesced into one database batch (each keeps its own results and
   * chains). Off when absent.
   */
  readonly groupCommit?: TransferBatcherOptions;
  /** Told about every transaction retried after a serialization failure, deadlock or duplicate id. */
  readonly onRetry?: RetryListener;
}

/** Results per group: a group's own call error, or one result per input. */
export type GroupResults = readonly (readonly TransferResult[] | LedgerCallError)[];

export interface LedgerServiceWithGroups extends LedgerService {
  /** Several callers' inputs in one transaction; what the batcher uses. */
  createTransferGroups(
    groups: readonly (readonly TransferInput[])[],
    options?: { readonly executor?: LedgerExecutor },
  ): Promise<GroupResults>;
}

/** Most transfers one account listing returns. */
export const ACCOUNT_TRANSFERS_PAGE_MAX = 1000;

export function createLedgerService(deps: LedgerServiceDeps): LedgerServiceWithGroups {
  const clock = deps.clock ?? (() => new Date());
  const kysely = deps.db.kysely;

  const createTransferGroups: LedgerServiceWithGroups['createTransferGroups'] = async (groups, options) => {
    const valid = groups.filter((group) => batchError(group) === null);
    assert(valid.flat().length <= LEDGER_BATCH_MAX, 'transfer groups exceed the batch limit');
    const results =
      valid.length === 0
        ? []
        : await inTransaction(
            options?.executor ?? kysely,
            (trx) => executeTransferGroups(trx, valid, clock()),
            deps.onRetry,
          );
    let next = 0;
    return groups.map((group) => batchError(group) ?? (results[next++] as TransferResult[]));
  };

  const direct = async (inputs: readonly TransferInput[], executor?: LedgerExecutor) => {
    const [results] = await createTransferGroups([inputs], executor ? { executor } : {});
    assert(results !== undefined, 'one group in, one group out');
    return results;
  };
  const batcher = deps.groupCommit
    ? createTransferBatcher({ createTransferGroups }, deps.groupCommit)
    : undefined;

  return {
    createTransferGroups,
    createTransfers: (inputs, options) =>
      batcher && options?.executor === undefined
        ? batcher.createTransfers(inputs)
        : direct(inputs, options?.executor),

    async createAccounts(inputs, options) {
      const error = batchError(inputs);
      if (error !== null) return error;
      return inTransaction(
        options?.executor ?? kysely,
        (trx) => executeCreateAccounts(trx, inputs, clock()),
        deps.onRetry,
      );
    },

    async lookupAccounts(ids, options): Promise<Account[]> {
      assert(ids.length <= LEDGER_BATCH_MAX, 'too many ids to look up');
      const found = new Map((await selectAccounts(options?.executor ?? kysely, ids)).map((a) => [a.id, a]));
      return inRequestOrder(ids, found).map(accountView);
    },

    async lookupTransfers(ids, options): Promise<Transfer[]> {
      assert(ids.length <= LEDGER_BATCH_MAX, 'too many ids to look up');
      const found = new Map((await selectTransfers(options?.executor ?? kysely, ids)).map((t) => [t.id, t]));
      return inRequestOrder(ids, found).map(transferView);
    },

    async listAccountTransfers(accountId, page): Promise<Transfer[]> {
      assert(
        Number.isSafeInteger(page.limit) && page.limit >= 1 && page.limit <= ACCOUNT_TRANSFERS_PAGE_MAX,
        `page limit ${page.limit} out of range`,
      );
      const rows = await selectAccountTransfers(kysely, accountId, page.limit, page.beforeSeq ?? null);
      return rows.map(transferView);
    },

    expirePendingTransfers(now, limit) {
      assert(Number.isSafeInteger(limit) && limit >= 1 && limit <= LEDGER_BATCH_MAX, `expiry limit ${limit}`);
      return inTransaction(kysely, (trx) => expireHolds(trx, now, limit), deps.onRetry);
    },
  };
}

function batchError(inputs: readonly unknown[]): LedgerCallError | null {
  if (inputs.length === 0) return 'batch_empty';
  if (inputs.length > LEDGER_BATCH_MAX) return 'batch_too_large';
  return null;
}

/** Found rows in the order asked for, each id once; missing ids are left out. */
function inRequestOrder<T>(ids: readonly string[], found: ReadonlyMap<string, T>): T[] {
  return [...new Set(ids)].flatMap((id) => {
    const row = found.get(id);
    return row === undefined ? [] : [row];
  });
}
