/** Why a merchant refuses a PayWord payment. Exhaustive map to messages below. */
export const PAYWORD_ERRORS = [
  'payword_malformed',
  'payword_no_chain',
  'payword_wrong_units',
  'payword_beyond_chain',
  'payword_exceeds_deposit',
  'payword_too_far_ahead',
  'payword_not_on_chain',
  'payword_replayed',
] as const;
export type PaywordError = (typeof PAYWORD_ERRORS)[number];

export const PAYWORD_ERROR_MESSAGES: { readonly [k in PaywordError]: string } = {
  payword_malformed: 'the hash-chain payment is not { transactionId, index, units, preimage }',
  payword_no_chain: 'the trading session committed to no hash chain',
  payword_wrong_units: 'the units paid do not match the price divided by the committed unit price',
  payword_beyond_chain: 'the preimage index is beyond the committed chain length',
  payword_exceeds_deposit: 'the units paid so far would exceed the deposit',
  payword_too_far_ahead: 'the preimage index is too far ahead of the last one seen',
  payword_not_on_chain: 'the preimage does not hash to the committed chain',
  payword_replayed: 'a unit of this payment was already paid (replayed or too old a preimage)',
};

export function isPaywordError(value: unknown): value is PaywordError {
  return typeof value === 'string' && (PAYWORD_ERRORS as readonly string[]).includes(value);
}
