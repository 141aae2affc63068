import type { CryptoProvider } from '../crypto/provider.ts';
import { JwsVerifyError } from '../jws/errors.ts';
import type { VerificationKey } from '../jws/keys.ts';
import type { KeyResolver, SignedMessage } from '../jws/message.ts';
import { verifyTyped } from '../messages/define.ts';
import { MessageBodyError } from '../messages/errors.ts';
import { SESSION_TIMEOUT_SECONDS_MAX } from '../messages/limits.ts';
import { type VoucherBody, type VoucherItem, VoucherMessage } from '../messages/voucher.ts';
import { appendPurchase, type PurchaseListState } from '../session/purchase-list.ts';
import { VOUCHER_ERROR_OF_JWS, type VoucherError } from './errors.ts';

/**
 * A voucher's `iat` may be this far off the merchant's clock. Looser than for
 * other messages because vouchers are ordered and de-duplicated by `seq`, not
 * by time, and a session key lives for one session only; `iat` stays for the
 * audit trail. Wallet clocks on phones and agents are often off by minutes.
 */
export const VOUCHER_CLOCK_SKEW_SECONDS_MAX = SESSION_TIMEOUT_SECONDS_MAX;

/** What the merchant knows about the transaction (information message) and its last accepted voucher. */
export interface VerifyVoucherOptions {
  /** Imported once per transaction (`importVerificationKey`) and reused for every voucher. */
  readonly sessionKey: VerificationKey;
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly merchantId: string;
  /** The merchant's currency: the deposit's and every voucher's. */
  readonly currency: string;
  readonly depositMinor: bigint;
  /** 0 and 0n before the first voucher. */
  readonly lastSeq: number;
  readonly lastCumulativeMinor: bigint;
  /** When given, a voucher after this instant is refused. */
  readonly expiresAtMs?: number;
  /**
   * The merchant's purchase list up to the last accepted voucher. When given,
   * the voucher must carry its item, and the list extended by it must give the
   * voucher's hash and cumulative amount.
   */
  readonly purchaseList?: PurchaseListState;
  readonly nowMs?: number;
  /** Defaults to the platform's (node:crypto on Node, WebCrypto elsewhere). */
  readonly crypto?: CryptoProvider;
}

export interface VerifiedVoucher {
  readonly seq: number;
  readonly cumulativeMinor: bigint;
  /** What this voucher adds to the last accepted one. */
  readonly incrementMinor: bigint;
  readonly purchaseListHash: string;
  readonly item?: VoucherItem;
  /** The merchant's list extended by the item, when `purchaseList` was given: store it with the voucher. */
  readonly purchaseList?: PurchaseListState;
  readonly jti: string;
  readonly iat: number;
}

/**
 * Merchant side: checks a voucher locally, no network call: one signature
 * verification, then the session rules. Accept it by storing `seq` and
 * `cumulativeMinor` with compare-and-swap on the previous `lastSeq`.
 */
export async function verifyVoucher(
  compact: string,
  options: VerifyVoucherOptions,
): Promise<VerifiedVoucher | VoucherError> {
  const message = await verifyEnvelope(compact, options);
  if (typeof message === 'string') return message;
  const body = message.body;
  const problem = checkSessionRules(body, options);
  if (problem) return problem;
  const purchaseList = await extendPurchaseList(body, options);
  if (purchaseList === 'voucher_purchase_list_mismatch') return purchaseList;
  return {
    seq: body.seq,
    cumulativeMinor: body.cumulativeMinor,
    incrementMinor: body.cumulativeMinor - options.lastCumulativeMinor,
    purchaseListHash: body.purchaseListHash,
    ...(body.item !== undefined ? { item: body.item } : {}),
    ...(purchaseList !== undefined ? { purchaseList } : {}),
    jti: message.jti,
    iat: message.iat,
  };
}

async function verifyEnvelope(
  compact: string,
  options: VerifyVoucherOptions,
): Promise<SignedMessage<VoucherBody> | VoucherError> {
  const { sessionKey, pseudonym } = options;
  const resolveKey: KeyResolver = async (kid) =>
    kid === sessionKey.kid ? { key: sessionKey, issuer: pseudonym } : undefined;
  try {
    return await verifyTyped(compact, VoucherMessage, {
      resolveKey,
      audience: options.merchantId,
      transactionId: options.transactionId,
      clockSkewSecondsMax: VOUCHER_CLOCK_SKEW_SECONDS_MAX,
      ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
      ...(options.crypto !== undefined ? { crypto: options.crypto } : {}),
    });
  } catch (error) {
    if (error instanceof JwsVerifyError) return VOUCHER_ERROR_OF_JWS[error.code];
    if (error instanceof MessageBodyError) {
      return error.field === 'transactionId' ? 'voucher_wrong_transaction' : 'voucher_malformed';
    }
    throw error;
  }
}

function checkSessionRules(body: VoucherBody, options: VerifyVoucherOptions): VoucherError | undefined {
  if (body.currency !== options.currency) return 'voucher_wrong_currency';
  if (options.expiresAtMs !== undefined && (options.nowMs ?? Date.now()) > options.expiresAtMs) {
    return 'voucher_session_expired';
  }
  if (body.seq <= options.lastSeq) return 'voucher_stale_seq';
  if (body.cumulativeMinor < options.lastCumulativeMinor) return 'voucher_not_increasing';
  if (body.cumulativeMinor > options.depositMinor) return 'voucher_exceeds_deposit';
  return undefined;
}

async function extendPurchaseList(
  body: VoucherBody,
  options: VerifyVoucherOptions,
): Promise<PurchaseListState | undefined | 'voucher_purchase_list_mismatch'> {
  const list = options.purchaseList;
  if (list === undefined) return undefined;
  if (list.transactionId !== options.transactionId) {
    throw new Error('verifyVoucher: the purchase list belongs to another transaction');
  }
  if (body.item === undefined) return 'voucher_purchase_list_mismatch';
  const next = await appendPurchase(list, { seq: list.count + 1, ...body.item }, options.crypto);
  if (
    typeof next === 'string' ||
    next.hashHex !== body.purchaseListHash ||
    next.totalMinor !== body.cumulativeMinor
  ) {
    return 'voucher_purchase_list_mismatch';
  }
  return next;
}
