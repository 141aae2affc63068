import { AmendedInitiationMessage, signMtaAck, verifyTyped } from '@tallystick/protocol';
import { isUniqueViolation } from '../parties/transaction.ts';
import type { MtaContext, MtaDeps } from './deps.ts';
import type { MtaError } from './errors.ts';
import { askMerchant } from './merchant-ack.ts';
import type { MtaTransaction } from './model.ts';
import { findTransaction, insertTransaction } from './repository.ts';
import { replayWindowEndMs, verifiedOrCode } from './signed-errors.ts';
import { type SessionTerms, sessionTerms } from './terms.ts';

/**
 * Step 2 -> 5 at the MTA: verifies the amended initiation under the AM's
 * published key (the AM vouches for the customer and guarantees the deposit),
 * converts the deposit, gets the merchant's acknowledgement, stores the
 * session and answers with the MTA ack. The session is stored only once the
 * merchant accepted it, so a refusal leaves nothing behind. The same JWS
 * again gets the original ack.
 */
export async function registerTransaction(
  deps: MtaDeps & Pick<MtaContext, 'transactions'>,
  jws: string,
): Promise<{ readonly mtaAck: string } | MtaError> {
  const now = deps.clock();
  const nowMs = now.getTime();
  const message = await verifiedOrCode(() =>
    verifyTyped(jws, AmendedInitiationMessage, {
      resolveKey: deps.directory.resolveOperatorKey,
      audience: deps.operatorId,
      nowMs,
    }),
  );
  if (typeof message === 'string') return message;
  const db = deps.db.kysely;
  const existing = await findTransaction(db, message.body.transactionId);
  if (existing) {
    return existing.amendedInitiationJws === jws ? { mtaAck: existing.mtaAckJws } : 'transaction_exists';
  }
  const terms = await sessionTerms(deps, message.body, now);
  if (typeof terms === 'string') return terms;
  if (!(await deps.replayGuard.remember(message.iss, message.jti, replayWindowEndMs(message)))) {
    return 'jws_replayed';
  }
  const merchant = await askMerchant(deps, terms, nowMs);
  if (typeof merchant === 'string') return merchant;
  const mtaAck = await signAck(deps, terms, nowMs);
  const transaction = sessionOf(terms, { jws, merchantAckJws: merchant.merchantAckJws, mtaAck }, now);
  try {
    await insertTransaction(db, transaction);
  } catch (error) {
    if (isUniqueViolation(error, 'mta_transactions_pkey')) return 'transaction_exists';
    throw error;
  }
  deps.transactions.remember(transaction);
  return { mtaAck };
}

function signAck(deps: Pick<MtaDeps, 'key' | 'operatorId'>, terms: SessionTerms, nowMs: number) {
  const { body } = terms;
  return signMtaAck(
    deps.key,
    { iss: deps.operatorId, aud: body.customerOperatorId, nowMs },
    {
      transactionId: body.transactionId,
      rate: terms.rate,
      depositCustomerMinor: body.depositMinor,
      customerCurrency: body.currency,
      depositMerchantMinor: terms.depositMerchantMinor,
      merchantCurrency: terms.merchant.currency,
      expiresAtMs: body.expiresAtMs,
    },
  );
}

function sessionOf(
  terms: SessionTerms,
  signed: { readonly jws: string; readonly merchantAckJws: string; readonly mtaAck: string },
  now: Date,
): MtaTransaction {
  const { body, merchant } = terms;
  return {
    id: body.transactionId,
    amOperatorId: body.customerOperatorId,
    merchantId: merchant.id,
    status: 'open',
    pseudonym: body.pseudonym,
    sessionKey: { ...body.sessionKey },
    offerId: body.offerId,
    depositCustomerMinor: body.depositMinor,
    customerCurrency: body.currency,
    depositMerchantMinor: terms.depositMerchantMinor,
    merchantCurrency: merchant.currency,
    rate: terms.rate,
    expiresAt: new Date(body.expiresAtMs),
    amendedInitiationJws: signed.jws,
    merchantAckJws: signed.merchantAckJws,
    mtaAckJws: signed.mtaAck,
    createdAt: now,
  };
}
