/**
 * Reasons a 402 carries in `PAYMENT-REQUIRED.error` when the x402 envelope
 * itself is wrong. Refusals of the proof keep their own codes
 * (`voucher_*`, `payword_*`, `session_*`); every reason is a code, never prose.
 */
export const X402_ERRORS = [
  'payment_required',
  'payment_header_too_large',
  'payment_header_malformed',
  'payment_version_unsupported',
  'payment_scheme_unsupported',
  'payment_requirements_mismatch',
  'payment_payload_invalid',
] as const;
export type X402Error = (typeof X402_ERRORS)[number];

export const X402_ERROR_MESSAGES: { readonly [k in X402Error]: string } = {
  payment_required: 'this resource requires a payment: see the accepts list',
  payment_header_too_large: 'the payment header is larger than allowed',
  payment_header_malformed: 'the payment header is not base64 of a JSON object',
  payment_version_unsupported: 'only x402Version 2 is accepted',
  payment_scheme_unsupported: 'the payment names a scheme or network this resource does not accept',
  payment_requirements_mismatch:
    'the payment was made for other requirements (merchant, operator, price, currency or route)',
  payment_payload_invalid: 'the scheme payload is not what the scheme expects',
};

export function isX402Error(value: unknown): value is X402Error {
  return typeof value === 'string' && (X402_ERRORS as readonly string[]).includes(value);
}
