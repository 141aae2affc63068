import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerExecutor } from './model.ts';

/** How often a whole batch is retried after a serialization failure, deadlock or concurrent duplicate. */
export const TRANSACTION_ATTEMPTS_MAX = 12;
const RETRY_BACKOFF_MS_BASE = 1;
const RETRY_BACKOFF_MS_MAX = 50;

/** A concurrent insert of the same id: on retry the batch finds the row and replays or refuses. */
const RETRYABLE_UNIQUE_CONSTRAINTS: ReadonlySet<string> = new Set([
  'ledger_transfers_pkey',
  'ledger_accounts_pkey',
]);

/**
 * Runs `work` in its own transaction, retried whole on 40001 / 40P01 / a
 * duplicate id. Inside a caller's transaction it runs as is: the caller owns
 * commit and retry (an error there aborts the caller's transaction).
 */
export async function inTransaction<T>(
  executor: LedgerExecutor,
  work: (trx: LedgerExecutor) => Promise<T>,
  onRetry?: RetryListener,
): Promise<T> {
  if (executor.isTransaction) return work(executor);
  for (let attempt = 1; ; attempt++) {
    try {
      return await executor.transaction().execute(work);
    } catch (error) {
      if (attempt >= TRANSACTION_ATTEMPTS_MAX || !isRetryable(error)) throw error;
      onRetry?.(error, attempt);
      await sleep(backoffMs(attempt));
    }
  }
}

/** Told about each retried transaction (metrics, logs); `attempt` is the one that failed. */
export type RetryListener = (error: unknown, attempt: number) => void;

export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code === '40001' || code === '40P01') return true;
  return code === '23505' && typeof constraint === 'string' && RETRYABLE_UNIQUE_CONSTRAINTS.has(constraint);
}

/** Exponential with full jitter, so retried batches on a hot account do not collide again in step. */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(RETRY_BACKOFF_MS_MAX, RETRY_BACKOFF_MS_BASE * 2 ** attempt);
  return Math.random() * ceiling;
}
