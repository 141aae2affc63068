import {
  type VerificationKey,
  type VerifiedVoucher,
  type VoucherError,
  verifyVoucher,
} from '@tallystick/protocol';
import { importSessionKey } from './keys.ts';
import type { MtaTransaction } from './model.ts';

/**
 * Checks a voucher found in a record as the merchant would have, on its own:
 * signed by this transaction's session key, for its merchant and currency,
 * within the merchant's deposit. Judged as of the session's end at the
 * latest, so a clearing run after the timer reads the same vouchers the same way.
 */
export async function checkVoucher(
  transaction: MtaTransaction,
  jws: string,
  now: Date,
  sessionKey?: VerificationKey,
): Promise<VerifiedVoucher | VoucherError> {
  const key = sessionKey ?? (await importSessionKey(transaction.sessionKey));
  if (typeof key === 'string')
    throw new Error(`assertion: stored session key of ${transaction.id} is unusable`);
  return verifyVoucher(jws, {
    sessionKey: key,
    transactionId: transaction.id,
    pseudonym: transaction.pseudonym,
    merchantId: transaction.merchantId,
    currency: transaction.merchantCurrency,
    depositMinor: transaction.depositMerchantMinor,
    lastSeq: 0,
    lastCumulativeMinor: 0n,
    nowMs: Math.min(now.getTime(), transaction.expiresAt.getTime()),
  });
}
