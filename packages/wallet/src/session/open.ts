import {
  generateSigningKey,
  type InitiationBody,
  JwsVerifyError,
  PaywordChain,
  type SessionReadyBody,
  SessionReadyMessage,
  signInitiation,
  startPurchaseList,
  verifyTyped,
} from '@tallystick/protocol';
import { TallyApiError, TallyResponseError, TallyWalletError } from '../errors.ts';
import type { WalletContext } from './context.ts';
import type { Offer, OpenSessionOptions } from './model.ts';
import type { PendingInitiation } from './pending.ts';
import { WalletTransaction } from './transaction.ts';

/**
 * Steps 1 and 6 of DESIGN §3: a fresh session key, the signed initiation to
 * the AM, and the AM's session-ready verified under its published key.
 */
export async function openTransaction(
  ctx: WalletContext,
  offer: Offer,
  options: OpenSessionOptions,
): Promise<WalletTransaction> {
  const sessionId = await ctx.sessionId();
  const currency = await ctx.customerCurrency();
  const key = pendingKey(sessionId, currency, offer, options);
  const pending = ctx.pending.take(key, ctx.nowMs()) ?? (await signNew(ctx, key, currency, offer, options));
  let answer: Awaited<ReturnType<WalletContext['am']['initiate']>>;
  try {
    answer = await ctx.am.initiate(sessionId, pending.jws);
  } catch (error) {
    // Refused (4xx): the AM placed nothing. Anything else: it may have; keep the JWS to re-send.
    if (!(error instanceof TallyApiError) || (error.statusCode ?? 500) >= 500) ctx.pending.put(pending);
    throw error;
  }
  const ready = await verifySessionReady(ctx, answer.sessionReady, answer.transactionId);
  checkMatches(ready, {
    sessionId,
    currency,
    offer,
    options,
    usableAfterMs: ctx.nowMs() + ctx.limits.expiryMarginMs,
  });
  const chain =
    pending.chain && options.hashChain
      ? { chain: pending.chain, unitPriceMinor: options.hashChain.unitPriceMinor }
      : undefined;
  return new WalletTransaction(
    ready,
    pending.sessionKey,
    await startPurchaseList(ready.transactionId),
    chain,
  );
}

async function signNew(
  ctx: WalletContext,
  key: string,
  currency: string,
  offer: Offer,
  options: OpenSessionOptions,
): Promise<PendingInitiation> {
  const sessionKey = await generateSigningKey('ES256');
  const chain = options.hashChain && new PaywordChain({ lengthMax: options.hashChain.lengthMax });
  const body: InitiationBody = {
    purchaseCountExpected: options.purchaseCountExpected ?? ctx.limits.purchaseCountExpectedDefault,
    depositMinor: options.depositMinor,
    currency,
    merchantId: offer.merchantId,
    merchantOperatorId: offer.merchantOperatorId,
    timeoutSeconds: options.timeoutSeconds,
    sessionKey: sessionKey.publicJwk as InitiationBody['sessionKey'],
    offerId: offer.offerId,
    ...(chain && options.hashChain
      ? {
          hashChain: {
            rootHex: chain.rootHex,
            unitPriceMinor: options.hashChain.unitPriceMinor,
            lengthMax: chain.lengthMax,
          },
        }
      : {}),
  };
  const nowMs = ctx.nowMs();
  const jws = await signInitiation(
    ctx.customerKey,
    { iss: ctx.customerId, aud: ctx.amOperatorId, nowMs },
    body,
  );
  return { key, jws, sessionKey, ...(chain ? { chain } : {}), createdAtMs: nowMs };
}

async function verifySessionReady(
  ctx: WalletContext,
  jws: string,
  transactionId: string,
): Promise<SessionReadyBody> {
  try {
    const message = await verifyTyped(jws, SessionReadyMessage, {
      resolveKey: ctx.amKeys.resolveKey,
      audience: ctx.customerId,
      transactionId,
      nowMs: ctx.nowMs(),
    });
    return message.body;
  } catch (error) {
    if (error instanceof TallyWalletError) throw error;
    const code =
      error instanceof JwsVerifyError && error.code === 'jws_key_unknown'
        ? 'operator_key_unknown'
        : 'session_ready_invalid';
    throw new TallyResponseError(code, (error as Error).message, { cause: error });
  }
}

function checkMatches(
  ready: SessionReadyBody,
  asked: {
    sessionId: string;
    currency: string;
    offer: Offer;
    options: OpenSessionOptions;
    usableAfterMs: number;
  },
): void {
  const mismatches = [
    ready.sessionId !== asked.sessionId && 'sessionId',
    ready.merchantId !== asked.offer.merchantId && 'merchantId',
    ready.merchantOperatorId !== asked.offer.merchantOperatorId && 'merchantOperatorId',
    ready.merchantCurrency !== asked.offer.currency && 'merchantCurrency',
    ready.customerCurrency !== asked.currency && 'customerCurrency',
    ready.depositCustomerMinor !== asked.options.depositMinor && 'depositCustomerMinor',
    // Already (about to be) expired by this device's clock: unusable, and a sign the clock is off.
    ready.expiresAtMs <= asked.usableAfterMs && 'expiresAtMs',
  ].filter((m): m is string => typeof m === 'string');
  if (mismatches.length > 0) throw new TallyResponseError('session_ready_mismatch', mismatches.join(', '));
}

function pendingKey(sessionId: string, currency: string, offer: Offer, options: OpenSessionOptions): string {
  return JSON.stringify([
    sessionId,
    offer.merchantId,
    offer.merchantOperatorId,
    offer.offerId,
    offer.currency,
    currency,
    options.depositMinor.toString(),
    options.timeoutSeconds,
    options.purchaseCountExpected ?? null,
    options.hashChain ? [options.hashChain.unitPriceMinor.toString(), options.hashChain.lengthMax] : null,
  ]);
}
