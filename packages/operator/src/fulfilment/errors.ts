import { INDICIUM_ERROR_MESSAGES, type IndiciumError } from '@tallystick/protocol';
import { domainErrorSender } from '../http/envelope.ts';

export const FULFILMENT_OWN_ERRORS = [
  'item_not_found',
  'ticket_not_found',
  'ticket_already_used',
  'ticket_not_valid_now',
  'shipment_status_invalid',
  'artefact_unavailable',
] as const;
export type FulfilmentOwnError = (typeof FULFILMENT_OWN_ERRORS)[number];
export type FulfilmentError = FulfilmentOwnError | IndiciumError;

const INDICIUM_STATUS: { readonly [k in IndiciumError]: number } = {
  indicium_malformed: 400,
  indicium_too_large: 413,
  indicium_encoding_invalid: 400,
  indicium_alg_not_allowed: 400,
  indicium_key_unknown: 401,
  indicium_signature_invalid: 401,
  indicium_issuer_mismatch: 401,
  indicium_text_mismatch: 400,
};

export const FULFILMENT_ERROR_STATUS: { readonly [k in FulfilmentError]: number } = {
  ...INDICIUM_STATUS,
  item_not_found: 404,
  ticket_not_found: 404,
  ticket_already_used: 409,
  ticket_not_valid_now: 409,
  shipment_status_invalid: 409,
  artefact_unavailable: 404,
};

export const FULFILMENT_ERROR_MESSAGES: { readonly [k in FulfilmentError]: string } = {
  ...INDICIUM_ERROR_MESSAGES,
  item_not_found: 'no such item',
  ticket_not_found: 'the indicium is not a ticket of this merchant',
  ticket_already_used: 'the ticket was already checked in: entry is refused',
  ticket_not_valid_now: 'the ticket is outside its validity window',
  shipment_status_invalid: 'a shipment moves pending -> shipped -> delivered, one step at a time',
  artefact_unavailable: 'this item has no such rendering',
};

export const sendFulfilmentError = domainErrorSender(FULFILMENT_ERROR_STATUS, FULFILMENT_ERROR_MESSAGES);
