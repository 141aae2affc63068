import { type ClearingBody, splitDeposit, type VerificationKey } from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { findPartyById } from '../parties/repository.ts';
import { bookClearing } from './booking.ts';
import { insertClearing } from './clearing-store.ts';
import { type ClearingDecision, decideClearing, type Evidence } from './decide.ts';
import type { MtaContext } from './deps.ts';
import { importSessionKey } from './keys.ts';
import type { MtaRecord, MtaTransaction } from './model.ts';
import { markCleared, recordOf } from './repository.ts';
import { checkVoucher } from './vouchers.ts';

/**
 * Clears a session whose row the caller has locked (`lockTransaction`) and
 * found open: decides from the records, books the MTA's side, writes the
 * merchant's deposit billing record, stores the clearing and queues it for
 * the customer's AM, all in the caller's transaction. Exactly once: the row
 * lock and the status check before it make a second clearing impossible, and
 * `mta_clearings`' key would refuse one anyway.
 */
export async function clearLocked(
  ctx: MtaContext,
  trx: Kysely<Schema>,
  transaction: MtaTransaction,
  records: readonly MtaRecord[],
  now: Date,
): Promise<ClearingBody> {
  if (transaction.status !== 'open') throw new Error(`assertion: clearing ${transaction.id} twice`);
  const key = await importSessionKey(transaction.sessionKey);
  if (typeof key === 'string')
    throw new Error(`assertion: stored session key of ${transaction.id} is unusable`);
  const evidence = async (side: 'customer' | 'merchant') =>
    evidenceOf(transaction, recordOf(records, side), now, key);
  const decision = decideClearing(
    transaction.depositMerchantMinor,
    await evidence('customer'),
    await evidence('merchant'),
  );
  const body = clearingBody(transaction, decision);
  // Through `trx`: on PGlite the transaction holds the one connection.
  const merchant = await findPartyById(trx, transaction.merchantId);
  if (!merchant)
    throw new Error(`assertion: merchant ${transaction.merchantId} of ${transaction.id} is gone`);
  await bookClearing(ctx, trx, transaction, merchant.accountId, body);
  await ctx.billing.record(
    {
      transactionId: transaction.id,
      kind: 'deposit',
      partyId: merchant.id,
      amountMinor: body.clearedMerchantMinor,
      currency: transaction.merchantCurrency,
      rate: transaction.rate,
      feeMinor: body.feeMinor,
    },
    trx,
  );
  await insertClearing(trx, body, transaction.amOperatorId, now);
  await markCleared(trx, transaction.id);
  return body;
}

/** A record and its voucher, re-checked now: a voucher that does not check out is no evidence. */
async function evidenceOf(
  transaction: MtaTransaction,
  record: MtaRecord | undefined,
  now: Date,
  key: VerificationKey,
): Promise<Evidence | undefined> {
  if (!record) return undefined;
  if (record.lastVoucherJws === null) return { record, voucher: undefined };
  const voucher = await checkVoucher(transaction, record.lastVoucherJws, now, key);
  return { record, voucher: typeof voucher === 'string' ? undefined : voucher };
}

function clearingBody(transaction: MtaTransaction, decision: ClearingDecision): ClearingBody {
  const split = splitDeposit(
    transaction.depositCustomerMinor,
    decision.clearedMerchantMinor,
    transaction.rate,
  );
  // Cleared is capped by the merchant deposit, and its charge always fits the customer's (money/convert.ts).
  if (typeof split === 'string') throw new Error(`assertion: clearing ${transaction.id}: ${split}`);
  return {
    transactionId: transaction.id,
    outcome: decision.outcome,
    reason: decision.reason,
    voucherSeq: decision.voucherSeq,
    rate: transaction.rate,
    depositCustomerMinor: transaction.depositCustomerMinor,
    customerCurrency: transaction.customerCurrency,
    depositMerchantMinor: transaction.depositMerchantMinor,
    merchantCurrency: transaction.merchantCurrency,
    clearedMerchantMinor: decision.clearedMerchantMinor,
    clearedCustomerMinor: split.clearedCustomerMinor,
    releasedCustomerMinor: split.releasedCustomerMinor,
    feeMinor: 0n,
  };
}
