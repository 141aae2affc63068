import {
  type InformationBody,
  InformationMessage,
  importVerificationKey,
  JwsVerifyError,
  MessageBodyError,
  type PublicJwk,
  signMerchantAck,
  startPurchaseList,
  type VerificationKey,
  verifyTyped,
} from '@tallystick/protocol';
import { MerchantError } from '../errors.ts';
import type { MerchantContext } from './context.ts';
import type { MerchantSession } from './model.ts';

export interface InformationRequest {
  /** `tally.information`, signed by the MTA operator (iss: MTA id, aud: merchant id). */
  readonly information: string;
}

/**
 * Step 3/4 of DESIGN §3: verifies the MTA's information message, stores the
 * trading session and answers with the signed merchant ack. The MTA may
 * retry: the same session gets the stored ack again.
 */
export async function handleInformation(
  ctx: MerchantContext,
  request: InformationRequest,
): Promise<{ merchantAck: string }> {
  if (typeof request?.information !== 'string')
    throw MerchantError.of('request_malformed', 'expected { information }');
  const body = await verifyInformation(ctx, request.information);
  if (body.expiresAtMs <= ctx.nowMs()) throw MerchantError.of('information_expired');
  let sessionKey: VerificationKey;
  try {
    sessionKey = await importVerificationKey(body.sessionKey);
  } catch (cause) {
    throw MerchantError.of('information_invalid', 'session key does not import', { cause });
  }
  const merchantAck = await signMerchantAck(
    ctx.merchantKey,
    { iss: ctx.merchantId, aud: ctx.operatorId, nowMs: ctx.nowMs() },
    {
      transactionId: body.transactionId,
      pseudonym: body.pseudonym,
      depositMinor: body.depositMinor,
      currency: body.currency,
    },
  );
  const { created, session } = await ctx.store.insertSession(
    await newSession(ctx, body, request.information, merchantAck),
  );
  if (!created && !sameSession(session, body))
    throw MerchantError.of('information_conflict', body.transactionId);
  ctx.sessionKeys.put(body.transactionId, sessionKey);
  return { merchantAck: session.merchantAckJws };
}

async function verifyInformation(ctx: MerchantContext, jws: string): Promise<InformationBody> {
  try {
    const message = await verifyTyped(jws, InformationMessage, {
      resolveKey: ctx.resolveMtaKey,
      audience: ctx.merchantId,
      nowMs: ctx.nowMs(),
    });
    return message.body;
  } catch (error) {
    if (error instanceof JwsVerifyError) {
      const code = error.code === 'jws_key_unknown' ? 'information_key_unknown' : 'information_invalid';
      throw MerchantError.of(code, error.message, { cause: error });
    }
    if (error instanceof MessageBodyError)
      throw MerchantError.of('information_invalid', error.message, { cause: error });
    throw error;
  }
}

async function newSession(
  ctx: MerchantContext,
  body: InformationBody,
  informationJws: string,
  merchantAckJws: string,
): Promise<MerchantSession> {
  return {
    transactionId: body.transactionId,
    merchantId: body.merchantId,
    pseudonym: body.pseudonym,
    sessionKeyJwk: body.sessionKey as PublicJwk,
    depositMinor: body.depositMinor,
    currency: body.currency,
    rate: body.rate,
    offerId: body.offerId,
    expiresAtMs: body.expiresAtMs,
    seq: 0,
    cumulativeMinor: 0n,
    purchaseList: await startPurchaseList(body.transactionId),
    status: 'open',
    informationJws,
    merchantAckJws,
    createdAtMs: ctx.nowMs(),
  };
}

/** A retried information message (even re-signed) describes the same session; anything else is a conflict. */
function sameSession(stored: MerchantSession, body: InformationBody): boolean {
  return (
    stored.pseudonym === body.pseudonym &&
    stored.depositMinor === body.depositMinor &&
    stored.currency === body.currency &&
    stored.expiresAtMs === body.expiresAtMs &&
    stored.sessionKeyJwk.x === body.sessionKey.x &&
    stored.sessionKeyJwk.crv === body.sessionKey.crv &&
    (stored.sessionKeyJwk as { y?: string }).y === (body.sessionKey as { y?: string }).y
  );
}
