/** x402 v2 on the wire (DESIGN §7): headers carry base64 (standard alphabet) of UTF-8 JSON. */
export const X402_VERSION = 2;
export const PAYMENT_REQUIRED_HEADER = 'PAYMENT-REQUIRED';
export const PAYMENT_SIGNATURE_HEADER = 'PAYMENT-SIGNATURE';
export const PAYMENT_RESPONSE_HEADER = 'PAYMENT-RESPONSE';
/** A payment header longer than this is refused unread (a voucher JWS plus the echoed requirements fit in 4 KB). */
export const PAYMENT_HEADER_BYTES_MAX = 8_192;

/**
 * The Tallystick schemes of an `accepts[]` entry:
 * - `tally-voucher`: each payment is a signed cumulative voucher (DESIGN §5);
 * - `tally-payword`: each payment reveals hash-chain preimages, for unit-priced metering.
 */
export const TALLY_SCHEMES = { voucher: 'tally-voucher', payword: 'tally-payword' } as const;
export type TallyScheme = (typeof TALLY_SCHEMES)[keyof typeof TALLY_SCHEMES];

export function isTallyScheme(value: unknown): value is TallyScheme {
  return value === TALLY_SCHEMES.voucher || value === TALLY_SCHEMES.payword;
}

/** CAIP-2 namespace of Tallystick networks: `tally:<operatorId>` names the merchant's operator (its MTA). */
export const TALLY_NETWORK_NAMESPACE = 'tally';
/** Matches every Tallystick network in `@x402/core` registrations (`client.register(TALLY_NETWORK_PATTERN, …)`). */
export const TALLY_NETWORK_PATTERN = 'tally:*';
