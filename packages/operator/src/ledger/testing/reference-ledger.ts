import { isCurrency } from '@tallystick/protocol';
import type { AccountInput, MovementInput, ResolutionInput, TransferInput } from '../model.ts';

/**
 * The ledger's rules written again, as plainly as possible and sharing no
 * code with the service, for the model-based test: slow (it copies the whole
 * state for every chain), obviously right, and compared step by step with the
 * real thing. Only the inputs the test generates are modelled (valid ids,
 * codes and user data).
 */

const MAX = 2n ** 63n - 1n;

export interface RefAccount {
  readonly id: string;
  readonly currency: string;
  readonly flags: number;
  dp: bigint;
  dpo: bigint;
  cp: bigint;
  cpo: bigint;
}

export interface RefTransfer {
  readonly id: string;
  readonly kind: 'single' | 'pending' | 'post' | 'void' | 'expire';
  readonly debit: string;
  readonly credit: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly pendingId: string | null;
  readonly timeout: number;
  readonly expiresAtMs: number | null;
  status: 'pending' | 'posted' | 'voided' | 'expired' | null;
  readonly linked: boolean;
  readonly code: number;
  readonly userData: string | null;
  readonly createdAtMs: number;
}

/** 'ok' or 'replayed' with the transfer, or an error code. */
export type RefResult =
  | { readonly code: 'ok' | 'replayed'; readonly transfer: RefTransfer }
  | { readonly code: string };

interface RefState {
  accounts: Map<string, RefAccount>;
  transfers: Map<string, RefTransfer>;
}

export class ReferenceLedger {
  state: RefState = { accounts: new Map(), transfers: new Map() };
  nowMs = 0;

  createAccount(input: AccountInput): string {
    const existing = this.state.accounts.get(input.id);
    if (!isCurrency(input.currency)) return 'currency_invalid';
    if (input.flags === 3) return 'flags_are_mutually_exclusive';
    if (existing) {
      if (existing.currency !== input.currency) return 'exists_with_different_currency';
      if (existing.flags !== input.flags) return 'exists_with_different_flags';
      return 'replayed';
    }
    this.state.accounts.set(input.id, {
      id: input.id,
      currency: input.currency,
      flags: input.flags,
      dp: 0n,
      dpo: 0n,
      cp: 0n,
      cpo: 0n,
    });
    return 'ok';
  }

  /** Expires every pending hold due by now; returns how many. */
  sweep(): number {
    const due = [...this.state.transfers.values()].filter((t) => this.isDue(t));
    for (const hold of due) this.expire(hold);
    return due.length;
  }

  createTransfers(inputs: readonly TransferInput[]): RefResult[] {
    for (const input of inputs) {
      const hold = 'pendingId' in input ? this.state.transfers.get(input.pendingId) : undefined;
      if (hold && this.isDue(hold)) this.expire(hold);
    }
    const results: RefResult[] = [];
    let chain: { start: number; saved: RefState; broken: boolean } | null = null;
    inputs.forEach((input, i) => {
      if (!chain && input.linked) chain = { start: i, saved: cloneState(this.state), broken: false };
      let result: RefResult;
      if (chain?.broken) result = { code: 'linked_event_failed' };
      else if (input.linked && i === inputs.length - 1) result = { code: 'linked_event_chain_open' };
      else result = 'pendingId' in input ? this.resolve(input) : this.move(input);
      results.push(result);
      if (chain && !chain.broken && !('transfer' in result)) {
        chain.broken = true;
        this.state = chain.saved;
        for (let j = chain.start; j < i; j++) results[j] = { code: 'linked_event_failed' };
      }
      if (!input.linked) chain = null;
    });
    // A result shows the transfer as stored after the whole call.
    return results.map((r) => ('transfer' in r ? { ...r, transfer: { ...this.current(r.transfer) } } : r));
  }

  private current(t: RefTransfer): RefTransfer {
    return this.state.transfers.get(t.id) ?? t;
  }

  private isDue(t: RefTransfer): boolean {
    return t.status === 'pending' && t.expiresAtMs !== null && t.expiresAtMs <= this.nowMs;
  }

  private expire(hold: RefTransfer): void {
    this.release(hold, 'expired', 0n);
    this.add({
      ...hold,
      id: `${hold.id}~expire`,
      kind: 'expire',
      pendingId: hold.id,
      timeout: 0,
      expiresAtMs: null,
      status: null,
      linked: false,
      code: 0,
      userData: null,
    });
  }

  private move(input: MovementInput): RefResult {
    if (input.amountMinor > MAX) return { code: 'amount_overflow' };
    if (input.amountMinor === 0n) return { code: 'amount_must_not_be_zero' };
    if (input.debitAccountId === input.creditAccountId) return { code: 'accounts_must_be_different' };
    const existing = this.state.transfers.get(input.id);
    if (existing) return sameMovement(input, existing);
    const debit = this.state.accounts.get(input.debitAccountId);
    const credit = this.state.accounts.get(input.creditAccountId);
    if (!debit) return { code: 'debit_account_not_found' };
    if (!credit) return { code: 'credit_account_not_found' };
    if (debit.currency !== input.currency || credit.currency !== input.currency)
      return { code: 'currency_mismatch' };
    const a = input.amountMinor;
    if (debit.dp + debit.dpo + a > MAX) return { code: 'overflows_debits' };
    if (credit.cp + credit.cpo + a > MAX) return { code: 'overflows_credits' };
    if (debit.flags === 1 && debit.dp + debit.dpo + a > debit.cpo) return { code: 'exceeds_credits' };
    if (credit.flags === 2 && credit.cp + credit.cpo + a > credit.dpo) return { code: 'exceeds_debits' };
    const pending = input.kind === 'pending';
    if (pending) [debit.dp, credit.cp] = [debit.dp + a, credit.cp + a];
    else [debit.dpo, credit.cpo] = [debit.dpo + a, credit.cpo + a];
    const timeout = input.timeoutSeconds ?? 0;
    return this.add({
      id: input.id,
      kind: input.kind,
      debit: debit.id,
      credit: credit.id,
      amount: a,
      currency: input.currency,
      pendingId: null,
      timeout,
      expiresAtMs: pending && timeout > 0 ? this.nowMs + timeout * 1000 : null,
      status: pending ? 'pending' : null,
      linked: input.linked === true,
      code: input.code ?? 0,
      userData: input.userData ?? null,
    });
  }

  private resolve(input: ResolutionInput): RefResult {
    if (input.kind === 'post' && input.amountMinor === 0n) return { code: 'amount_must_not_be_zero' };
    const hold = this.state.transfers.get(input.pendingId);
    const existing = this.state.transfers.get(input.id);
    if (existing) return sameResolution(input, existing, hold);
    if (!hold) return { code: 'pending_transfer_not_found' };
    if (hold.kind !== 'pending') return { code: 'pending_transfer_not_pending' };
    if (hold.status === 'posted') return { code: 'pending_transfer_already_posted' };
    if (hold.status === 'voided') return { code: 'pending_transfer_already_voided' };
    if (hold.status === 'expired') return { code: 'pending_transfer_expired' };
    const amount = input.amountMinor;
    if (amount !== undefined && amount > hold.amount) return { code: 'exceeds_pending_transfer_amount' };
    if (input.kind === 'void' && amount !== undefined && amount !== 0n && amount !== hold.amount) {
      return { code: 'pending_transfer_has_different_amount' };
    }
    const posted = input.kind === 'post' ? (amount ?? hold.amount) : 0n;
    this.release(hold, input.kind === 'post' ? 'posted' : 'voided', posted);
    return this.add({
      ...hold,
      id: input.id,
      kind: input.kind,
      amount: input.kind === 'post' ? posted : hold.amount,
      pendingId: hold.id,
      timeout: 0,
      expiresAtMs: null,
      status: null,
      linked: input.linked === true,
      code: input.code ?? 0,
      userData: input.userData ?? null,
    });
  }

  private release(hold: RefTransfer, status: 'posted' | 'voided' | 'expired', posted: bigint): void {
    const debit = this.state.accounts.get(hold.debit) as RefAccount;
    const credit = this.state.accounts.get(hold.credit) as RefAccount;
    debit.dp -= hold.amount;
    credit.cp -= hold.amount;
    debit.dpo += posted;
    credit.cpo += posted;
    hold.status = status;
  }

  private add(fields: Omit<RefTransfer, 'createdAtMs'>): RefResult {
    const transfer = { ...fields, createdAtMs: this.nowMs };
    this.state.transfers.set(transfer.id, transfer);
    return { code: 'ok', transfer };
  }
}

function sameMovement(input: MovementInput, e: RefTransfer): RefResult {
  if (e.kind !== input.kind) return { code: 'exists_with_different_kind' };
  if (e.debit !== input.debitAccountId) return { code: 'exists_with_different_debit_account_id' };
  if (e.credit !== input.creditAccountId) return { code: 'exists_with_different_credit_account_id' };
  if (e.amount !== input.amountMinor) return { code: 'exists_with_different_amount' };
  if (e.currency !== input.currency) return { code: 'exists_with_different_currency' };
  if (e.timeout !== (input.timeoutSeconds ?? 0)) return { code: 'exists_with_different_timeout' };
  return sameCommon(input, e);
}

function sameResolution(input: ResolutionInput, e: RefTransfer, hold: RefTransfer | undefined): RefResult {
  if (e.kind !== input.kind) return { code: 'exists_with_different_kind' };
  if (e.pendingId !== input.pendingId || !hold) return { code: 'exists_with_different_pending_id' };
  const meant =
    input.amountMinor === undefined || (input.kind === 'void' && input.amountMinor === 0n)
      ? hold.amount
      : input.amountMinor;
  if (e.amount !== meant) return { code: 'exists_with_different_amount' };
  return sameCommon(input, e);
}

function sameCommon(input: TransferInput, e: RefTransfer): RefResult {
  if (e.linked !== (input.linked === true)) return { code: 'exists_with_different_linked' };
  if (e.code !== (input.code ?? 0)) return { code: 'exists_with_different_code' };
  if (e.userData !== (input.userData ?? null)) return { code: 'exists_with_different_user_data' };
  return { code: 'replayed', transfer: e };
}

function cloneState(state: RefState): RefState {
  return {
    accounts: new Map([...state.accounts].map(([id, a]) => [id, { ...a }])),
    transfers: new Map([...state.transfers].map(([id, t]) => [id, { ...t }])),
  };
}
