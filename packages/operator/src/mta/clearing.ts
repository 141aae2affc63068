import {
  type ClearingBody,
  splitDeposit,
  type VerifiedVoucher,
  type VoucherError,
  verifyHashChainReveal,
} from '@tallystick/protocol';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { acquiringFeeMinor, NO_FEE } from '../fees/model.ts';
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
  /** Vouchers the caller has just checked for this transaction with this same `now`, by JWS. */
  verified: ReadonlyMap<string, VerifiedVoucher> = new Map(),
): Promise<ClearingBody> {
  if (transaction.status !== 'open') throw new Error(`assertion: clearing ${transaction.id} twice`);
  const key = await importSessionKey(transaction.sessionKey);
  if (typeof key === 'string')
    throw new Error(`assertion: stored session key of ${transaction.id} is unusable`);
  // Both records usually carry the same last voucher: one check serves both (same JWS, same `now`).
  const checked = new Map<string, Promise<VerifiedVoucher | VoucherError>>();
  for (const [jws, voucher] of verified) checked.set(jws, Promise.resolve(voucher));
  const check = (jws: string) => {
    const found = checked.get(jws) ?? checkVoucher(transaction, jws, now, key);
    checked.set(jws, found);
    return found;
  };
  const chain = hashChainOf(transaction.amendedInitiationJws);
  const evidence = async (side: 'customer' | 'merchant') =>
    withHashChain(await evidenceOf(recordOf(records, side), check), chain);
  const decision = decideClearing(
    transaction.depositMerchantMinor,
    await evidence('customer'),
    await evidence('merchant'),
    chain ? BigInt(chain.unitPriceMinor) : 0n,
  );
  const feeMinor = acquiringFeeMinor(decision.clearedMerchantMinor, ctx.acquiringFee ?? NO_FEE);
  const body = clearingBody(transaction, decision, feeMinor);
  // A miss reads through `trx`: on PGlite the transaction holds the one connection.
  const merchant = await ctx.parties.findParty(transaction.merchantId, trx);
  if (!merchant)
    throw new Error(`assertion: merchant ${transaction.merchantId} of ${transaction.id} is gone`);
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
  // Last: the ledger locks the hot liquidity and merchant accounts until commit.
  await bookClearing(ctx, trx, transaction, merchant.accountId, body);
  return body;
}

/** A record and its voucher, re-checked now: a voucher that does not check out is no evidence. */
async function evidenceOf(
  record: MtaRecord | undefined,
  check: (jws: string) => Promise<VerifiedVoucher | VoucherError>,
): Promise<Evidence | undefined> {
  if (!record) return undefined;
  if (record.lastVoucherJws === null) return { record, voucher: undefined };
  const voucher = await check(record.lastVoucherJws);
  return { record, voucher: typeof voucher === 'string' ? undefined : voucher };
}

interface ChainCommitment {
  readonly rootHex: string;
  readonly unitPriceMinor: string;
  readonly lengthMax: number;
}

/** The payload of a JWS this node verified before it stored it. */
function storedBody(jws: string): Record<string, unknown> | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims?.body === 'object' && claims.body !== null ? claims.body : undefined;
  } catch {
    return undefined;
  }
}

/** The PayWord commitment the customer signed in its initiation, relayed in the amended initiation. */
function hashChainOf(amendedInitiationJws: string): ChainCommitment | undefined {
  return storedBody(amendedInitiationJws)?.hashChain as ChainCommitment | undefined;
}

/** Clearing from the last preimage (DESIGN §5): a record's reveal counts when it hashes to the root. */
function withHashChain(
  evidence: Evidence | undefined,
  chain: ChainCommitment | undefined,
): Evidence | undefined {
  if (!evidence || !chain) return evidence;
  const reveal = storedBody(evidence.record.recordJws)?.hashChain as
    | { index: number; preimageHex: string }
    | undefined;
  return reveal && verifyHashChainReveal(chain, reveal)
    ? { ...evidence, hashChainIndex: reveal.index }
    : evidence;
}

function clearingBody(
  transaction: MtaTransaction,
  decision: ClearingDecision,
  feeMinor: bigint,
): ClearingBody {
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
    ...(decision.hashChainIndex !== undefined ? { hashChainIndex: decision.hashChainIndex } : {}),
    rate: transaction.rate,
    depositCustomerMinor: transaction.depositCustomerMinor,
    customerCurrency: transaction.customerCurrency,
    depositMerchantMinor: transaction.depositMerchantMinor,
    merchantCurrency: transaction.merchantCurrency,
    clearedMerchantMinor: decision.clearedMerchantMinor,
    clearedCustomerMinor: split.clearedCustomerMinor,
    releasedCustomerMinor: split.releasedCustomerMinor,
    feeMinor,
  };
}
