import type { MtaTransaction } from './model.ts';
import { type Executor, findTransaction } from './repository.ts';

/**
 * Sessions this MTA registered or read, by id. Everything in an
 * `mta_transactions` row but its status is written once, at registration, and
 * never changed: so a cached row is good for what is checked before the row
 * is locked (merchant, session key, pseudonym, currency, deposit, expiry).
 * The status is never taken from here; the caller reads it under the lock.
 * Saves one read of the row per record handed in. Per MTA service (so per
 * database), bounded: the oldest entry goes first.
 */
export interface TransactionCache {
  remember(transaction: MtaTransaction): void;
  /** The row's write-once fields; `status` is as it was when cached. */
  find(db: Executor, id: string): Promise<MtaTransaction | undefined>;
}

export const TRANSACTION_CACHE_ENTRIES_MAX = 20_000;

export function createTransactionCache(entriesMax: number = TRANSACTION_CACHE_ENTRIES_MAX): TransactionCache {
  const entries = new Map<string, MtaTransaction>();
  const remember = (transaction: MtaTransaction) => {
    entries.delete(transaction.id);
    entries.set(transaction.id, Object.freeze({ ...transaction }));
    if (entries.size > entriesMax) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  };
  return {
    remember,
    async find(db, id) {
      const cached = entries.get(id);
      if (cached) return cached;
      const found = await findTransaction(db, id);
      if (found) remember(found);
      return found;
    },
  };
}
