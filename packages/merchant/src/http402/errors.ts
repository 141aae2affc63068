import {
  PAYWORD_ERROR_MESSAGES,
  PAYWORD_ERRORS,
  X402_ERROR_MESSAGES,
  X402_ERRORS,
} from '@tallystick/protocol';
import { MERCHANT_ERROR_MESSAGES, PURCHASE_REFUSALS } from '../errors.ts';

/**
 * Every reason the paywall answers a request with a fresh 402: the x402
 * envelope codes, the voucher and session refusals of `acceptPurchase`, the
 * hash-chain codes, and the paywall's own. Sent as `PAYMENT-REQUIRED.error`
 * and in the JSON body; never a 5xx for anything the client sent.
 */
export const PAYWALL_OWN_REFUSALS = ['voucher_out_of_order', 'session_busy', 'payment_not_settled'] as const;
export const PAYWALL_REFUSALS = [
  ...X402_ERRORS,
  ...PURCHASE_REFUSALS,
  ...PAYWORD_ERRORS,
  ...PAYWALL_OWN_REFUSALS,
] as const;
export type PaywallRefusal = (typeof PAYWALL_REFUSALS)[number];

export const PAYWALL_REFUSAL_MESSAGES: { readonly [k in PaywallRefusal]: string } = {
  ...X402_ERROR_MESSAGES,
  ...pickPurchaseMessages(),
  ...PAYWORD_ERROR_MESSAGES,
  voucher_out_of_order: 'the voucher arrived ahead of its predecessor, which did not arrive in time',
  session_busy: 'too many payments are waiting on this trading session',
  payment_not_settled: 'the payment could not be recorded (another payment took its place): pay again',
};

function pickPurchaseMessages() {
  const out = {} as { [k in (typeof PURCHASE_REFUSALS)[number]]: string };
  for (const code of PURCHASE_REFUSALS) out[code] = MERCHANT_ERROR_MESSAGES[code];
  return out;
}

/** Thrown at start-up for a route table or option the paywall cannot serve. */
export class PaywallConfigError extends Error {
  override readonly name = 'PaywallConfigError';
  readonly code = 'config_invalid';
}
