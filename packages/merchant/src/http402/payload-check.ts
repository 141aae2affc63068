import { isHash32Hex, type PaymentPayload, type PaywordPayload } from '@tallystick/protocol';

/*
 * The hot path's shape checks of a decoded `PAYMENT-SIGNATURE`, written out
 * so a paid request costs no schema walk. Looser than the protocol's schemas
 * (x402/schemas.ts) only where an exact comparison follows anyway: every
 * `accepted` field is compared with the route's own terms (`matchAccepted`),
 * and a transaction id is validated before its session is loaded.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const AMOUNT = /^(0|[1-9][0-9]{0,18})$/;

/** The envelope: version 2, an `accepted` requirements object, a `payload` object. */
export function isPaymentEnvelope(v: Record<string, unknown>): v is Record<string, unknown> & PaymentPayload {
  const a = v.accepted;
  return (
    v.x402Version === 2 &&
    isObject(v.payload) &&
    isObject(a) &&
    typeof a.scheme === 'string' &&
    typeof a.network === 'string' &&
    typeof a.asset === 'string' &&
    typeof a.amount === 'string' &&
    AMOUNT.test(a.amount) &&
    typeof a.payTo === 'string' &&
    typeof a.maxTimeoutSeconds === 'number' &&
    a.maxTimeoutSeconds > 0 &&
    isObject(a.extra) &&
    (v.resource === undefined || (isObject(v.resource) && typeof v.resource.url === 'string'))
  );
}

const PAYWORD_KEYS = 4;
/** An operator id (32) and two sequences (16 each) with their dots; the id itself is checked when its session loads. */
const TRANSACTION_ID_CHARS_MAX = 66;

/** `tally-payword`: exactly `{ transactionId, index, units, preimage }`. */
export function isPaywordPayload(
  p: Record<string, unknown>,
  indexMax: number,
  unitsMax: number,
): p is Record<string, unknown> & PaywordPayload {
  const { transactionId, index, units, preimage } = p;
  return (
    Number.isInteger(index) &&
    (index as number) >= 1 &&
    (index as number) <= indexMax &&
    Number.isInteger(units) &&
    (units as number) >= 1 &&
    (units as number) <= unitsMax &&
    isHash32Hex(preimage) &&
    typeof transactionId === 'string' &&
    transactionId.length <= TRANSACTION_ID_CHARS_MAX &&
    Object.keys(p).length === PAYWORD_KEYS
  );
}
