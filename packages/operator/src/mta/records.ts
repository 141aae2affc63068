import {
  type CustomerRecordBody,
  CustomerRecordMessage,
  type KeyResolver,
  MerchantRecordMessage,
  type VerifiedVoucher,
  verifyTyped,
} from '@tallystick/protocol';
import type { Party } from '../parties/model.ts';
import { inTransaction } from '../parties/transaction.ts';
import { ensureClearingAccounts } from './booking.ts';
import { clearLocked } from './clearing.ts';
import type { MtaContext } from './deps.ts';
import type { MtaError } from './errors.ts';
import { importSessionKey, partyKeyResolver, sessionKeyResolver } from './keys.ts';
import type { MtaRecord, MtaTransaction, RecordSide, RecordStatus } from './model.ts';
import { findRecords, insertRecord, lockTransaction, recordOf } from './repository.ts';
import { verifiedOrCode } from './signed-errors.ts';
import type { CommittedClearing } from './timer.ts';
import { checkVoucher } from './vouchers.ts';

export interface RecordSubmission {
  readonly side: RecordSide;
  readonly transactionId: string;
  readonly jws: string;
  /** For the merchant's record: the authenticated caller, who must be the session's merchant. */
  readonly merchant?: Party;
}

export interface RecordOutcome {
  readonly status: RecordStatus;
  /** Set when this record completed the clearing: deliver it to the AM once committed. */
  readonly cleared?: CommittedClearing;
}

/**
 * One side's transaction record (FIG 3): verified under the key of that side
 * (session key for the customer, the merchant's registered key), checked
 * against its own last voucher, stored once. The record that completes the
 * pair clears the session in the same transaction.
 */
export async function submitRecord(
  ctx: MtaContext,
  input: RecordSubmission,
): Promise<RecordOutcome | MtaError> {
  const now = ctx.clock();
  // Write-once fields only until the row is locked below (transaction-cache.ts).
  const transaction = await ctx.transactions.find(ctx.db.kysely, input.transactionId);
  if (!transaction) return 'transaction_not_found';
  if (input.side === 'merchant' && input.merchant?.id !== transaction.merchantId)
    return 'transaction_not_found';
  const read = await readRecord(ctx, transaction, input, now);
  if (typeof read === 'string') return read;
  const { record, voucher } = read;
  await ensureClearingAccounts(ctx, transaction);
  return inTransaction<RecordOutcome, MtaError>(ctx.db.kysely, async (trx) => {
    const locked = await lockTransaction(trx, transaction.id);
    if (!locked) throw new Error(`assertion: ${transaction.id} vanished`);
    const records = await findRecords(trx, locked.id);
    const stored = recordOf(records, input.side);
    // The same signed record again is a retry after a lost answer: answer it as before.
    if (stored?.recordJws === record.recordJws)
      return { status: locked.status === 'open' ? 'recorded' : 'cleared' };
    if (locked.status !== 'open') return 'transaction_cleared';
    if (stored) return 'record_duplicate';
    await insertRecord(trx, locked.id, record);
    const both = [...records, record];
    if (!recordOf(both, 'customer') || !recordOf(both, 'merchant')) return { status: 'recorded' };
    // This record's voucher was checked above with the same `now`: the clearing need not check it again.
    const verified = new Map<string, VerifiedVoucher>();
    if (voucher && record.lastVoucherJws !== null) verified.set(record.lastVoucherJws, voucher);
    const body = await clearLocked(ctx, trx, locked, both, now, verified);
    return { status: 'cleared', cleared: { body, amOperatorId: locked.amOperatorId } };
  });
}

async function readRecord(
  ctx: MtaContext,
  transaction: MtaTransaction,
  input: RecordSubmission,
  now: Date,
): Promise<{ readonly record: MtaRecord; readonly voucher?: VerifiedVoucher } | MtaError> {
  const resolveKey = await resolverFor(ctx, transaction, input.side);
  const options = {
    resolveKey,
    audience: ctx.operatorId,
    transactionId: transaction.id,
    nowMs: now.getTime(),
  };
  const message = await verifiedOrCode(() =>
    input.side === 'customer'
      ? verifyTyped(input.jws, CustomerRecordMessage, options)
      : verifyTyped(input.jws, MerchantRecordMessage, options),
  );
  if (typeof message === 'string') return message;
  const voucher = await checkAgainstVoucher(transaction, message.body, now);
  if (typeof voucher === 'string') return voucher;
  const body = message.body;
  const record: MtaRecord = {
    side: input.side,
    recordJws: input.jws,
    purchaseCount: body.purchaseCount,
    totalMinor: body.totalMinor,
    purchaseListHash: body.purchaseListHash,
    lastSeq: body.lastSeq,
    lastVoucherJws: body.lastVoucher ?? null,
    receivedAt: now,
  };
  return voucher ? { record, voucher } : { record };
}

async function resolverFor(
  ctx: MtaContext,
  transaction: MtaTransaction,
  side: RecordSide,
): Promise<KeyResolver> {
  if (side === 'merchant') return partyKeyResolver(ctx.parties, transaction.merchantId);
  const key = await importSessionKey(transaction.sessionKey);
  if (typeof key === 'string')
    throw new Error(`assertion: stored session key of ${transaction.id} is unusable`);
  return sessionKeyResolver(key, transaction.pseudonym);
}

/** A record must be what its own last voucher says: same seq, total and purchase-list hash. The voucher, checked. */
async function checkAgainstVoucher(
  transaction: MtaTransaction,
  body: CustomerRecordBody,
  now: Date,
): Promise<MtaError | VerifiedVoucher | undefined> {
  if (body.currency !== transaction.merchantCurrency) return 'record_currency_mismatch';
  if (body.lastVoucher === undefined) return undefined;
  const voucher = await checkVoucher(transaction, body.lastVoucher, now);
  if (typeof voucher === 'string') return voucher;
  const consistent =
    voucher.seq === body.lastSeq &&
    voucher.cumulativeMinor === body.totalMinor &&
    voucher.purchaseListHash === body.purchaseListHash;
  return consistent ? voucher : 'record_voucher_mismatch';
}
