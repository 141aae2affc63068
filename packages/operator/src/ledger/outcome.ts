import type { TransferError } from './errors.ts';
import type { TransferInput } from './model.ts';
import type { TransferRecord } from './state.ts';

/** What the state machine decided for one input; seq is filled in once the batch is written. */
export type TransferOutcome =
  | { readonly ok: true; readonly transfer: TransferRecord; readonly replayed: boolean }
  | { readonly ok: false; readonly id: string; readonly error: TransferError };

export function failure(input: TransferInput, error: TransferError): TransferOutcome {
  return { ok: false, id: input.id, error };
}

export function success(transfer: TransferRecord, replayed: boolean): TransferOutcome {
  return { ok: true, transfer, replayed };
}

/** The fields every new transfer takes from its input. */
export function commonFields(input: TransferInput, now: Date) {
  return {
    id: input.id,
    linked: input.linked === true,
    code: input.code ?? 0,
    userData: input.userData ?? null,
    createdAt: now,
    seq: null,
  } as const;
}
