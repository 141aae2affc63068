import type { KeyObject } from 'node:crypto';
import {
  isSigningAlgorithm,
  MESSAGE_TYPES,
  type SigningAlgorithm,
  VOUCHER_CLOCK_SKEW_SECONDS_MAX,
  type VoucherBody,
  type VoucherError,
  VoucherMessage,
  type VoucherWire,
} from '@tallystick/protocol';
import {
  type ParsedJws,
  verifySignature,
  verifySignatureAsync,
  verifySignatureOnWorker,
} from './platform/node-voucher.ts';

/** What a voucher is checked against that does not change during the session. */
export interface VoucherSessionKey {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly merchantId: string;
  readonly alg: SigningAlgorithm;
  readonly kid: string;
  readonly key: KeyObject;
  /** `key` as SPKI DER, for the verifier worker. */
  readonly keyDer: Buffer;
}

/** Where a voucher's signature is verified: the batched worker thread, libuv's thread pool, or inline. */
export type VoucherVerifyMode = 'worker' | 'threadpool' | 'inline';

/**
 * `verifyVoucher`'s envelope and body checks (protocol voucher/verify.ts), the
 * same codes in the same order, synchronously: header, algorithm, key,
 * signature, then claims and the body schema. Session rules (seq, amounts,
 * purchase list) are checked against the live state by the lane.
 */
export function checkVoucherMessage(
  parsed: ParsedJws,
  session: VoucherSessionKey,
  nowMs: number,
): VoucherBody | VoucherError {
  const header = checkVoucherHeader(parsed, session);
  if (header !== undefined) return header;
  if (!verifySignature(session.alg, session.key, parsed.signingInput, parsed.signature)) {
    return 'voucher_signature_invalid';
  }
  return checkVoucherClaims(parsed, session, nowMs);
}

/**
 * The same checks, with the signature verified off the event loop (the
 * batched worker thread or libuv's thread pool): the event loop serves
 * other requests during the ~70 µs of P-256 arithmetic.
 */
export async function checkVoucherMessageAsync(
  parsed: ParsedJws,
  session: VoucherSessionKey,
  nowMs: () => number,
  mode: Exclude<VoucherVerifyMode, 'inline'> = 'threadpool',
): Promise<VoucherBody | VoucherError> {
  const header = checkVoucherHeader(parsed, session);
  if (header !== undefined) return header;
  const valid =
    mode === 'worker'
      ? await verifySignatureOnWorker(
          session.alg,
          session.key,
          session.keyDer,
          parsed.signingInput,
          parsed.signature,
        )
      : await verifySignatureAsync(session.alg, session.key, parsed.signingInput, parsed.signature);
  if (!valid) return 'voucher_signature_invalid';
  return checkVoucherClaims(parsed, session, nowMs());
}

function checkVoucherHeader(parsed: ParsedJws, session: VoucherSessionKey): VoucherError | undefined {
  if (!isSigningAlgorithm(parsed.alg)) return 'voucher_signature_invalid';
  if (typeof parsed.kid !== 'string') return 'voucher_malformed';
  if (parsed.kid !== session.kid || parsed.alg !== session.alg) return 'voucher_signature_invalid';
  return undefined;
}

/** Only after the signature was verified. */
function checkVoucherClaims(
  parsed: ParsedJws,
  session: VoucherSessionKey,
  nowMs: number,
): VoucherBody | VoucherError {
  const c = parsed.claims;
  const wellFormed =
    typeof c.mty === 'string' &&
    typeof c.iss === 'string' &&
    typeof c.aud === 'string' &&
    Number.isSafeInteger(c.iat) &&
    typeof c.jti === 'string' &&
    c.jti.length > 0 &&
    c.jti.length <= 128 &&
    (c.txn === undefined || typeof c.txn === 'string') &&
    'body' in c;
  if (!wellFormed || c.mty !== MESSAGE_TYPES.voucher || c.iss !== session.pseudonym)
    return 'voucher_malformed';
  if (c.aud !== session.merchantId) return 'voucher_wrong_merchant';
  if (c.txn !== session.transactionId) return 'voucher_wrong_transaction';
  if (Math.abs(Math.floor(nowMs / 1000) - (c.iat as number)) > VOUCHER_CLOCK_SKEW_SECONDS_MAX) {
    return 'voucher_malformed';
  }
  if (!VoucherMessage.validator.Check(c.body)) return 'voucher_malformed';
  const wire = c.body as VoucherWire;
  if (wire.transactionId !== session.transactionId) return 'voucher_wrong_transaction';
  const body = decode(wire);
  if (body.item && body.item.priceMinor > body.cumulativeMinor) return 'voucher_malformed';
  return body;
}

/** Only after the compiled schema check: the amount strings are well-formed and within range. */
function decode(wire: VoucherWire): VoucherBody {
  return {
    transactionId: wire.transactionId,
    seq: wire.seq,
    cumulativeMinor: BigInt(wire.cumulativeMinor),
    currency: wire.currency,
    purchaseListHash: wire.purchaseListHash,
    ...(wire.item !== undefined ? { item: { ...wire.item, priceMinor: BigInt(wire.item.priceMinor) } } : {}),
  };
}
