import { isVoucherError, verifyVoucher } from '@tallystick/protocol';
import type { PurchaseRefusal } from '../errors.ts';
import type { MerchantContext } from './context.ts';

/** What the merchant sells for this voucher: it must be exactly what the voucher pays for. */
export interface ExpectedItem {
  readonly sku: string;
  readonly priceMinor: bigint;
}

export interface PurchaseReceipt {
  readonly transactionId: string;
  readonly seq: number;
  /** What this voucher added. */
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
  /** The merchant's currency. */
  readonly currency: string;
  /** What is left of the deposit after this purchase. */
  readonly remainingMinor: bigint;
}

export type PurchaseResult =
  | { readonly ok: true; readonly receipt: PurchaseReceipt }
  | { readonly ok: false; readonly code: PurchaseRefusal };

/**
 * Checks a voucher locally (signature, seq, cumulative, deposit, currency,
 * expiry, purchase list; no network call) and accepts it with
 * compare-and-swap on the state it was checked against: of vouchers racing
 * for one seq exactly one wins, the others get `voucher_stale_seq`.
 */
export async function acceptPurchase(
  ctx: MerchantContext,
  transactionId: string,
  voucherJws: string,
  expected?: ExpectedItem,
): Promise<PurchaseResult> {
  const refuse = (code: PurchaseRefusal): PurchaseResult => ({ ok: false, code });
  const session = await ctx.store.getSession(transactionId);
  if (!session) return refuse('session_unknown');
  if (session.status !== 'open') return refuse('session_terminated');
  const nowMs = ctx.nowMs();
  const verified = await verifyVoucher(voucherJws, {
    sessionKey: await ctx.sessionKeys.get(transactionId, session.sessionKeyJwk),
    transactionId,
    pseudonym: session.pseudonym,
    merchantId: ctx.merchantId,
    currency: session.currency,
    depositMinor: session.depositMinor,
    lastSeq: session.seq,
    lastCumulativeMinor: session.cumulativeMinor,
    expiresAtMs: session.expiresAtMs,
    purchaseList: session.purchaseList,
    nowMs,
  });
  if (isVoucherError(verified)) return refuse(verified);
  const { item, purchaseList } = verified;
  if (!item || !purchaseList)
    throw new Error('assertion: a voucher checked against the list carries its item');
  if (expected && (item.sku !== expected.sku || item.priceMinor !== expected.priceMinor)) {
    return refuse('purchase_item_mismatch');
  }
  const outcome = await ctx.store.acceptVoucher(
    transactionId,
    { seq: session.seq, cumulativeMinor: session.cumulativeMinor },
    {
      seq: verified.seq,
      cumulativeMinor: verified.cumulativeMinor,
      amountMinor: verified.incrementMinor,
      purchaseList,
      jws: voucherJws,
      item,
      acceptedAtMs: nowMs,
    },
  );
  if (outcome === 'stale') return refuse('voucher_stale_seq');
  if (outcome === 'terminated') return refuse('session_terminated');
  if (outcome === 'unknown') return refuse('session_unknown');
  return {
    ok: true,
    receipt: {
      transactionId,
      seq: verified.seq,
      amountMinor: verified.incrementMinor,
      cumulativeMinor: verified.cumulativeMinor,
      currency: session.currency,
      remainingMinor: session.depositMinor - verified.cumulativeMinor,
    },
  };
}
