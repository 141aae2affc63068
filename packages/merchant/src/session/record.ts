import { signMerchantRecord } from '@tallystick/protocol';
import { MerchantError } from '../errors.ts';
import { hashChainSources, type MerchantContext } from './context.ts';
import type { MerchantSession } from './model.ts';
import { terminateSession } from './terminate.ts';

export interface SubmitRecordResult {
  readonly transactionId: string;
  /** `tally.merchant_record` as sent (the same JWS on every retry). */
  readonly record: string;
  /** The MTA's answer. */
  readonly status: string;
  readonly purchaseCount: number;
  readonly totalMinor: bigint;
  readonly lastSeq: number;
}

/**
 * The merchant's half of the tally (DESIGN §3, conclusion): stops the
 * session if still open, signs the record once (purchase count, total,
 * purchase-list hash, last seq and last voucher), keeps it, then sends it to
 * the MTA. A retry re-sends the stored JWS, so the MTA sees one record.
 */
export async function submitRecord(ctx: MerchantContext, transactionId: string): Promise<SubmitRecordResult> {
  let session = await ctx.store.getSession(transactionId);
  if (!session) throw MerchantError.of('session_unknown', transactionId);
  if (session.status === 'open') {
    await terminateSession(ctx, transactionId);
    session = await ctx.store.getSession(transactionId);
    if (!session) throw MerchantError.of('session_unknown', transactionId);
  }
  const record =
    session.record?.jws ?? (await ctx.store.saveRecord(transactionId, await signRecord(ctx, session)));
  if (!record) throw MerchantError.of('session_unknown', transactionId);
  const answer = await ctx.mta.sendMerchantRecord(transactionId, record);
  await ctx.store.markRecordSubmitted(transactionId, answer.status, ctx.nowMs());
  return {
    transactionId,
    record,
    status: answer.status,
    purchaseCount: session.purchaseList.count,
    totalMinor: session.purchaseList.totalMinor,
    lastSeq: session.seq,
  };
}

function signRecord(ctx: MerchantContext, session: MerchantSession): Promise<string> {
  return signMerchantRecord(
    ctx.merchantKey,
    { iss: ctx.merchantId, aud: ctx.operatorId, nowMs: ctx.nowMs() },
    {
      transactionId: session.transactionId,
      purchaseCount: session.purchaseList.count,
      totalMinor: session.purchaseList.totalMinor,
      currency: session.currency,
      purchaseListHash: session.purchaseList.hashHex,
      lastSeq: session.seq,
      ...(session.lastVoucher !== undefined ? { lastVoucher: session.lastVoucher } : {}),
      ...hashChainOf(ctx, session.transactionId),
    },
  );
}

/** The deepest preimage a paywall of this merchant accepted, if the session was metered with a hash chain. */
function hashChainOf(ctx: MerchantContext, transactionId: string) {
  for (const top of hashChainSources.get(ctx) ?? []) {
    const found = top(transactionId);
    if (found) return { hashChain: { index: found.index, preimageHex: found.preimageHex } };
  }
  return {};
}
