import { openTestDatabase } from '../../../test/support/database.ts';
import type { Database } from '../../db/database.ts';
import type { TransferBatcherOptions } from '../batcher.ts';
import type {
  AccountInput,
  MovementInput,
  ResolutionInput,
  TransferInput,
  TransferResult,
} from '../model.ts';
import { createLedgerService, type LedgerServiceWithGroups } from '../service.ts';

/** A clock tests move by hand: holds expire when a test says so. */
export interface ManualClock {
  readonly now: () => Date;
  advanceSeconds(seconds: number): void;
}

export function manualClock(start = new Date('2030-01-01T00:00:00.000Z')): ManualClock {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advanceSeconds(seconds) {
      nowMs += seconds * 1000;
    },
  };
}

export interface TestLedger {
  readonly db: Database;
  readonly ledger: LedgerServiceWithGroups;
  readonly clock: ManualClock;
}

export async function openTestLedger(
  options: { groupCommit?: TransferBatcherOptions } = {},
): Promise<TestLedger> {
  const db = await openTestDatabase();
  const clock = manualClock();
  const ledger = createLedgerService({
    db,
    clock: clock.now,
    ...(options.groupCommit ? { groupCommit: options.groupCommit } : {}),
  });
  return { db, ledger, clock };
}

export function account(id: string, overrides: Partial<AccountInput> = {}): AccountInput {
  return { id, currency: 'EUR', kind: 'customer', flags: 0, ...overrides };
}

export function single(
  id: string,
  debitAccountId: string,
  creditAccountId: string,
  amountMinor: bigint,
  overrides: Partial<MovementInput> = {},
): MovementInput {
  return { id, kind: 'single', debitAccountId, creditAccountId, amountMinor, currency: 'EUR', ...overrides };
}

export function hold(
  id: string,
  debitAccountId: string,
  creditAccountId: string,
  amountMinor: bigint,
  overrides: Partial<MovementInput> = {},
): MovementInput {
  return single(id, debitAccountId, creditAccountId, amountMinor, { kind: 'pending', ...overrides });
}

export function post(
  id: string,
  pendingId: string,
  overrides: Partial<ResolutionInput> = {},
): ResolutionInput {
  return { id, kind: 'post', pendingId, ...overrides };
}

export function voidHold(
  id: string,
  pendingId: string,
  overrides: Partial<ResolutionInput> = {},
): ResolutionInput {
  return { id, kind: 'void', pendingId, ...overrides };
}

/** The results of a call, failing the test on a whole-call error. */
export async function transfers(ledger: LedgerServiceWithGroups, inputs: readonly TransferInput[]) {
  const results = await ledger.createTransfers(inputs);
  if (typeof results === 'string') throw new Error(`call error ${results}`);
  return results;
}

/** Account results, failing the test on a whole-call error. */
export async function accounts(ledger: LedgerServiceWithGroups, inputs: readonly AccountInput[]) {
  const results = await ledger.createAccounts(inputs);
  if (typeof results === 'string') throw new Error(`call error ${results}`);
  return results;
}

/** Error code per input, or 'ok' / 'replayed': compact to assert on. */
export function codes(results: readonly TransferResult[]): string[] {
  return results.map((r) => (r.ok ? (r.replayed ? 'replayed' : 'ok') : r.error));
}

export async function balances(ledger: LedgerServiceWithGroups, id: string) {
  const [found] = await ledger.lookupAccounts([id]);
  if (!found) throw new Error(`no account ${id}`);
  return {
    debitsPending: found.debitsPendingMinor,
    debitsPosted: found.debitsPostedMinor,
    creditsPending: found.creditsPendingMinor,
    creditsPosted: found.creditsPostedMinor,
  };
}
