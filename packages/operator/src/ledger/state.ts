import { assert } from './assert.ts';
import type { AccountKind, PendingStatus, Transfer } from './model.ts';

/** An account as the state machine sees it: balances mutable, for the length of one batch. */
export interface AccountState {
  readonly id: string;
  readonly currency: string;
  readonly kind: AccountKind;
  readonly flags: number;
  debitsPendingMinor: bigint;
  debitsPostedMinor: bigint;
  creditsPendingMinor: bigint;
  creditsPostedMinor: bigint;
  readonly createdAt: Date;
}

/** A transfer in the batch: `seq` is null until it is inserted; a hold's status may change. */
export interface TransferRecord extends Omit<Transfer, 'seq' | 'pendingStatus'> {
  seq: bigint | null;
  pendingStatus: PendingStatus | null;
}

/** Debits pending, debits posted, credits pending, credits posted. */
export type Balances = readonly [bigint, bigint, bigint, bigint];

/** An account's change in one batch, as signed deltas of its four balances. */
export interface AccountDelta {
  readonly id: string;
  readonly deltas: Balances;
}

type Undo =
  | { readonly kind: 'balances'; readonly account: AccountState; readonly before: Balances }
  | { readonly kind: 'created'; readonly transfer: TransferRecord }
  | { readonly kind: 'status'; readonly transfer: TransferRecord; readonly before: PendingStatus | null };

/**
 * Everything one batch may read or change, in memory: the locked accounts and
 * the transfers it refers to. Changes go through here so a failed linked
 * chain can be rolled back (TigerBeetle's scope_open / scope_close), and so
 * the store learns exactly what to write.
 */
export class LedgerState {
  readonly #accounts = new Map<string, AccountState>();
  readonly #transfers = new Map<string, TransferRecord>();
  readonly #accountsBefore = new Map<string, Balances>();
  readonly #statusBefore = new Map<string, PendingStatus | null>();
  readonly #created: TransferRecord[] = [];
  readonly #undo: Undo[] = [];

  constructor(accounts: readonly AccountState[], transfers: readonly TransferRecord[]) {
    for (const account of accounts) {
      this.#accounts.set(account.id, account);
      this.#accountsBefore.set(account.id, balancesOf(account));
    }
    for (const transfer of transfers) {
      assert(transfer.seq !== null, `loaded transfer ${transfer.id} has no seq`);
      this.#transfers.set(transfer.id, transfer);
      this.#statusBefore.set(transfer.id, transfer.pendingStatus);
    }
  }

  account(id: string): AccountState | undefined {
    return this.#accounts.get(id);
  }

  transfer(id: string): TransferRecord | undefined {
    return this.#transfers.get(id);
  }

  /** Applies signed deltas (debits pending, debits posted, credits pending, credits posted). */
  move(account: AccountState, delta: Balances): void {
    this.#undo.push({ kind: 'balances', account, before: balancesOf(account) });
    account.debitsPendingMinor += delta[0];
    account.debitsPostedMinor += delta[1];
    account.creditsPendingMinor += delta[2];
    account.creditsPostedMinor += delta[3];
    assert(
      balancesOf(account).every((b) => b >= 0n),
      `account ${account.id} balance went negative`,
    );
  }

  create(transfer: TransferRecord): void {
    assert(!this.#transfers.has(transfer.id), `transfer ${transfer.id} created twice`);
    assert(transfer.seq === null, `new transfer ${transfer.id} already has a seq`);
    this.#transfers.set(transfer.id, transfer);
    this.#created.push(transfer);
    this.#undo.push({ kind: 'created', transfer });
  }

  setStatus(hold: TransferRecord, status: PendingStatus): void {
    assert(hold.kind === 'pending' && hold.pendingStatus === 'pending', `hold ${hold.id} is not pending`);
    this.#undo.push({ kind: 'status', transfer: hold, before: hold.pendingStatus });
    hold.pendingStatus = status;
  }

  /** A mark to roll back to; everything before it is kept. */
  checkpoint(): number {
    return this.#undo.length;
  }

  rollback(checkpoint: number): void {
    assert(checkpoint <= this.#undo.length, 'rollback past the undo log');
    while (this.#undo.length > checkpoint) {
      const undo = this.#undo.pop();
      assert(undo !== undefined, 'undo log underflow');
      this.#revert(undo);
    }
  }

  /** Nothing can be rolled back before this point any more: let the log go. */
  settle(): void {
    this.#undo.length = 0;
  }

  /** New transfers in the order they were made: the journal order of this batch. */
  created(): readonly TransferRecord[] {
    return this.#created;
  }

  changedAccounts(): AccountState[] {
    return [...this.#accounts.values()].filter((account) => {
      const before = this.#accountsBefore.get(account.id);
      assert(before !== undefined, `account ${account.id} has no snapshot`);
      return !sameBalances(before, balancesOf(account));
    });
  }

  /** What the batch adds to each account it changed: the store writes these, not absolute balances. */
  changedAccountDeltas(): AccountDelta[] {
    return this.changedAccounts().map((account) => {
      const before = this.#accountsBefore.get(account.id);
      assert(before !== undefined, `account ${account.id} has no snapshot`);
      const [dp, dpo, cp, cpo] = balancesOf(account);
      return { id: account.id, deltas: [dp - before[0], dpo - before[1], cp - before[2], cpo - before[3]] };
    });
  }

  /** Holds that existed before the batch and were resolved in it. */
  resolvedHolds(): TransferRecord[] {
    const resolved: TransferRecord[] = [];
    for (const [id, before] of this.#statusBefore) {
      const transfer = this.#transfers.get(id);
      assert(transfer !== undefined, `loaded transfer ${id} vanished`);
      if (transfer.pendingStatus !== before) resolved.push(transfer);
    }
    return resolved;
  }

  #revert(undo: Undo): void {
    if (undo.kind === 'balances') {
      [
        undo.account.debitsPendingMinor,
        undo.account.debitsPostedMinor,
        undo.account.creditsPendingMinor,
        undo.account.creditsPostedMinor,
      ] = undo.before;
    } else if (undo.kind === 'created') {
      const last = this.#created.pop();
      assert(last === undo.transfer, 'created transfers rolled back out of order');
      this.#transfers.delete(undo.transfer.id);
    } else {
      undo.transfer.pendingStatus = undo.before;
    }
  }
}

function balancesOf(account: AccountState): Balances {
  return [
    account.debitsPendingMinor,
    account.debitsPostedMinor,
    account.creditsPendingMinor,
    account.creditsPostedMinor,
  ];
}

function sameBalances(a: Balances, b: Balances): boolean {
  return a.every((value, i) => value === b[i]);
}
