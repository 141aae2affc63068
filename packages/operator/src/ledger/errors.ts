/** Why one transfer in a batch was not applied. Stable strings: they go on the wire. */
export const TRANSFER_ERRORS = [
  'linked_event_failed',
  'linked_event_chain_open',
  'id_invalid',
  'amount_must_not_be_zero',
  'amount_must_not_be_negative',
  'amount_overflow',
  'currency_invalid',
  'accounts_must_be_different',
  'timeout_invalid',
  'timeout_reserved_for_pending_transfer',
  'code_invalid',
  'user_data_invalid',
  'debit_account_not_found',
  'credit_account_not_found',
  'currency_mismatch',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'exceeds_pending_transfer_amount',
  'pending_transfer_has_different_amount',
  'exists_with_different_kind',
  'exists_with_different_debit_account_id',
  'exists_with_different_credit_account_id',
  'exists_with_different_amount',
  'exists_with_different_currency',
  'exists_with_different_pending_id',
  'exists_with_different_timeout',
  'exists_with_different_linked',
  'exists_with_different_code',
  'exists_with_different_user_data',
  'exceeds_credits',
  'exceeds_debits',
  'overflows_debits',
  'overflows_credits',
] as const;
export type TransferError = (typeof TRANSFER_ERRORS)[number];

export const ACCOUNT_ERRORS = [
  'id_invalid',
  'currency_invalid',
  'kind_invalid',
  'flags_are_mutually_exclusive',
  'flags_invalid',
  'exists_with_different_currency',
  'exists_with_different_kind',
  'exists_with_different_flags',
] as const;
export type AccountError = (typeof ACCOUNT_ERRORS)[number];

/** Whole-call errors: nothing in the batch was applied. */
export type LedgerCallError = 'batch_too_large' | 'batch_empty';
