import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A deadlock or serialization failure is retried whole, at most this many attempts in all. */
export const TRANSACTION_ATTEMPTS_MAX = 5;
const RETRY_BACKOFF_MS_MAX = 20;
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['40001', '40P01']);

/** Carries an error code out of a transaction callback so the transaction rolls back. */
class Rollback<E extends string> {
  constructor(readonly code: E) {}
}

/**
 * Runs `work` in a transaction. Returning an error code (a string) rolls back
 * everything `work` wrote and hands the code to the caller; a thrown error rolls
 * back and propagates. So a refused request never leaves half its writes behind.
 * `work` may run more than once (after a deadlock), so it must only write through `trx`.
 */
export async function inTransaction<T extends object, E extends string>(
  db: Kysely<Schema>,
  work: (trx: Kysely<Schema>) => Promise<T | E>,
): Promise<T | E> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const result = await work(trx);
        if (typeof result === 'string') throw new Rollback(result);
        return result;
      });
    } catch (error) {
      if (error instanceof Rollback) return error.code as E;
      if (attempt >= TRANSACTION_ATTEMPTS_MAX || !isRetryable(error)) throw error;
      await sleep(Math.random() * RETRY_BACKOFF_MS_MAX);
    }
  }
}

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** PostgreSQL's unique_violation on `constraint`, on either engine. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && (name === undefined || name === constraint);
}
