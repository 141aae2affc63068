/*
 * x402 v2 on the wire (DESIGN §7): the Tallystick schemes `tally-voucher` and
 * `tally-payword` on networks `tally:<merchant's operator>`, the header
 * codec, offers (`accepts[]` entries) and receipts (`PAYMENT-RESPONSE`).
 * Isomorphic; no dependency on `@x402/core` (whose types these match).
 */
export * from './codec.ts';
export * from './constants.ts';
export * from './errors.ts';
export * from './network.ts';
export * from './receipt.ts';
export * from './requirements.ts';
export * from './schemas.ts';
export * from './types.ts';
