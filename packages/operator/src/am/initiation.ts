import { type InitiationBody, InitiationMessage, signSessionReady, verifyTyped } from '@tallystick/protocol';
import { importSessionKey, partyKeyResolver } from '../mta/keys.ts';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { Party } from '../parties/model.ts';
import type { AmContext } from './deps.ts';
import { type AmError, isAmError } from './errors.ts';
import type { AmSessionTerms, AmTransaction } from './model.ts';
import { askMta } from './mta-exchange.ts';
import { findByInitiation, findSession, markOpen } from './repository.ts';
import { abandon, reserve } from './reservation.ts';

export interface InitiationAnswer {
  readonly transactionId: string;
  /** Step 6, signed by this AM for the customer. */
  readonly sessionReady: string;
}

/**
 * Steps 1 to 6 at the customer's AM (docs/trading-sessions.md). The database
 * transaction ends before the MTA is called: no lock is held across the
 * network. If the MTA refuses or fails, the hold is voided and that answer
 * kept, so a retry of the same JWS gets it again, as it gets a success.
 */
export async function initiate(
  ctx: AmContext,
  customer: Party,
  sessionId: string,
  jws: string,
): Promise<InitiationAnswer | AmError> {
  const session = await findSession(ctx.db.kysely, sessionId);
  if (session?.customerId !== customer.id) return 'session_not_found';
  const now = ctx.clock();
  const message = await verifiedOrCode(() =>
    verifyTyped(jws, InitiationMessage, {
      resolveKey: partyKeyResolver(ctx.parties, customer.id),
      audience: ctx.operatorId,
      nowMs: now.getTime(),
    }),
  );
  if (typeof message === 'string') return message;
  const prior = await findByInitiation(ctx.db.kysely, customer.id, message.jti);
  if (prior) return originalAnswer(prior, jws);
  const refused = await checkInitiation(ctx, customer, message.body);
  if (refused) return refused;
  const transaction = await reserve(ctx, { customer, sessionId, message, jws, now });
  if (transaction === 'jws_replayed') {
    const raced = await findByInitiation(ctx.db.kysely, customer.id, message.jti);
    return raced ? originalAnswer(raced, jws) : transaction;
  }
  if (typeof transaction === 'string') return transaction;
  const acked = await askMta(ctx, transaction, message.body).catch(async (error: unknown) => {
    // A bug on the way (ours or the local MTA's): still, nothing may stay held.
    await abandon(ctx, transaction, 'mta_unreachable');
    throw error;
  });
  if (typeof acked === 'string') {
    await abandon(ctx, transaction, acked);
    return acked;
  }
  const sessionReady = await signReady(ctx, transaction, acked);
  await markOpen(ctx.db.kysely, transaction.id, { ...acked, sessionReadyJws: sessionReady });
  return { transactionId: transaction.id, sessionReady };
}

/** What can be refused before anything is held. */
async function checkInitiation(
  ctx: AmContext,
  customer: Party,
  body: InitiationBody,
): Promise<AmError | undefined> {
  if (body.currency !== customer.currency) return 'currency_mismatch';
  const known =
    body.merchantOperatorId === ctx.operatorId || ctx.directory.peer(body.merchantOperatorId) !== undefined;
  if (!known) return 'merchant_operator_unknown';
  const key = await importSessionKey(body.sessionKey);
  return typeof key === 'string' ? key : undefined;
}

/** A retried initiation: the answer the first one got, or a replay when only the id is the same. */
function originalAnswer(prior: AmTransaction, jws: string): InitiationAnswer | AmError {
  if (prior.initiationJws !== jws) return 'jws_replayed';
  if (prior.status === 'initiating') return 'initiation_in_progress';
  if (prior.status === 'failed' || prior.terms === null) {
    const code = prior.errorCode ?? 'mta_refused';
    return isAmError(code) ? code : 'mta_refused';
  }
  return { transactionId: prior.id, sessionReady: prior.terms.sessionReadyJws };
}

function signReady(
  ctx: AmContext,
  transaction: AmTransaction,
  terms: Omit<AmSessionTerms, 'sessionReadyJws'>,
): Promise<string> {
  return signSessionReady(
    ctx.key,
    { iss: ctx.operatorId, aud: transaction.customerId, nowMs: ctx.clock().getTime() },
    {
      sessionId: transaction.sessionId,
      transactionId: transaction.id,
      pseudonym: transaction.pseudonym,
      merchantId: transaction.merchantId,
      merchantOperatorId: transaction.mtaOperatorId,
      rate: terms.rate,
      depositCustomerMinor: transaction.depositMinor,
      customerCurrency: transaction.currency,
      depositMerchantMinor: terms.depositMerchantMinor,
      merchantCurrency: terms.merchantCurrency,
      expiresAtMs: transaction.expiresAt.getTime(),
    },
  );
}
