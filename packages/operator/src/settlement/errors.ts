import {
  SIGNED_MESSAGE_ERROR_MESSAGES,
  SIGNED_MESSAGE_ERROR_STATUS,
  type SignedMessageError,
} from '../mta/signed-errors.ts';

const OWN_ERRORS = [
  'settlement_peer_unknown',
  'settlement_peer_self',
  'settlement_batch_not_found',
  'settlement_statement_invalid',
  'settlement_item_unknown',
  'settlement_item_mismatch',
  'settlement_item_batched',
  'settlement_conflict',
  'settlement_acknowledgement_invalid',
  'settlement_peer_failed',
] as const;
type OwnError = (typeof OWN_ERRORS)[number];
export type SettlementError = OwnError | SignedMessageError;

const OWN_STATUS: { readonly [k in OwnError]: number } = {
  settlement_peer_unknown: 404,
  settlement_peer_self: 422,
  settlement_batch_not_found: 404,
  settlement_statement_invalid: 422,
  settlement_item_unknown: 409,
  settlement_item_mismatch: 422,
  settlement_item_batched: 409,
  settlement_conflict: 409,
  settlement_acknowledgement_invalid: 502,
  settlement_peer_failed: 502,
};

const OWN_MESSAGES: { readonly [k in OwnError]: string } = {
  settlement_peer_unknown: 'the peer operator is not configured',
  settlement_peer_self: 'an operator does not settle with itself (its interop account nets to zero)',
  settlement_batch_not_found: 'no such settlement batch',
  settlement_statement_invalid: 'the statement is malformed or its net is not the sum of its items',
  settlement_item_unknown: 'an item names a clearing this operator does not (yet) have with the issuer',
  settlement_item_mismatch: 'an item differs from this operator’s own clearing',
  settlement_item_batched: 'an item is already in another settlement batch',
  settlement_conflict: 'a batch with this id exists with other figures',
  settlement_acknowledgement_invalid: 'the peer’s signed view does not match the statement',
  settlement_peer_failed: 'the peer could not be reached or refused',
};

export const SETTLEMENT_ERROR_STATUS: { readonly [k in SettlementError]: number } = {
  ...SIGNED_MESSAGE_ERROR_STATUS,
  ...OWN_STATUS,
};
export const SETTLEMENT_ERROR_MESSAGES: { readonly [k in SettlementError]: string } = {
  ...SIGNED_MESSAGE_ERROR_MESSAGES,
  ...OWN_MESSAGES,
};
