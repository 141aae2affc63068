import {
  JwsVerifyError,
  MessageBodyError,
  type SignedMessage,
  signTerminate,
  type TerminateBody,
  TerminateMessage,
  verifyTyped,
} from '@tallystick/protocol';
import { MerchantError } from '../errors.ts';
import { TERMINATE_ATTEMPTS_MAX } from '../limits.ts';
import { type MerchantContext, notifyTerminated } from './context.ts';
import type { MerchantSession, Termination } from './model.ts';

export interface TerminateResult {
  readonly transactionId: string;
  /** Who stopped the session first; a later terminate changes nothing. */
  readonly termination: Termination;
  /** The last voucher seq the merchant accepted: what its record will report. */
  readonly lastSeq: number;
}

/**
 * Merchant stop: no voucher is accepted after this returns (the store's
 * compare-and-swap requires an open session). Signs `tally.terminate`
 * (merchant key, aud: the MTA). Idempotent: the first terminate is kept.
 */
export async function terminateSession(
  ctx: MerchantContext,
  transactionId: string,
): Promise<TerminateResult> {
  for (let attempt = 0; attempt < TERMINATE_ATTEMPTS_MAX; attempt++) {
    const session = await ctx.store.getSession(transactionId);
    if (!session) throw MerchantError.of('session_unknown', transactionId);
    if (session.termination) return resultOf(ctx, session);
    const nowMs = ctx.nowMs();
    const lastSeq = session.seq;
    const jws = await signTerminate(
      ctx.merchantKey,
      { iss: ctx.merchantId, aud: ctx.operatorId, nowMs },
      { transactionId, by: 'merchant', reason: 'merchant_stop', lastSeq },
    );
    // Only if no voucher was accepted meanwhile, so the signed lastSeq is the true one; else sign again.
    const stored = await ctx.store.terminate(
      transactionId,
      { by: 'merchant', reason: 'merchant_stop', jws, lastSeq, atMs: nowMs },
      lastSeq,
    );
    if (stored?.termination) return resultOf(ctx, stored);
  }
  throw MerchantError.of(
    'internal_error',
    `purchases kept arriving while terminating ${transactionId}; try again`,
  );
}

/**
 * Customer stop: verifies the wallet's terminate under the transaction's
 * session key (iss: pseudonym, aud: this merchant) and closes the session.
 */
export async function receiveTerminate(ctx: MerchantContext, terminateJws: string): Promise<TerminateResult> {
  const transactionId = unverifiedTransactionId(terminateJws);
  const session = transactionId === undefined ? undefined : await ctx.store.getSession(transactionId);
  if (!session || transactionId === undefined) throw MerchantError.of('session_unknown', transactionId);
  const message = await verifyCustomerTerminate(ctx, session, terminateJws);
  const stored = await ctx.store.terminate(transactionId, {
    by: 'customer',
    reason: message.body.reason,
    jws: terminateJws,
    lastSeq: message.body.lastSeq,
    atMs: ctx.nowMs(),
  });
  if (!stored) throw MerchantError.of('session_unknown', transactionId);
  return resultOf(ctx, stored);
}

async function verifyCustomerTerminate(
  ctx: MerchantContext,
  session: MerchantSession,
  jws: string,
): Promise<SignedMessage<TerminateBody>> {
  const sessionKey = await ctx.sessionKeys.get(session.transactionId, session.sessionKeyJwk);
  try {
    const message = await verifyTyped(jws, TerminateMessage, {
      resolveKey: async (kid) =>
        kid === sessionKey.kid ? { key: sessionKey, issuer: session.pseudonym } : undefined,
      audience: ctx.merchantId,
      transactionId: session.transactionId,
      nowMs: ctx.nowMs(),
    });
    if (message.body.by !== 'customer') throw MerchantError.of('terminate_invalid', 'not from the customer');
    return message;
  } catch (error) {
    if (error instanceof JwsVerifyError || error instanceof MessageBodyError) {
      throw MerchantError.of('terminate_invalid', error.message, { cause: error });
    }
    throw error;
  }
}

/** Only to find the session whose key then verifies the message; nothing else is read before that. */
function unverifiedTransactionId(jws: string): string | undefined {
  if (typeof jws !== 'string' || jws.length > 65_536) return undefined;
  const payload = jws.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { txn?: unknown };
    return typeof claims.txn === 'string' ? claims.txn : undefined;
  } catch {
    return undefined;
  }
}

function resultOf(ctx: MerchantContext, session: MerchantSession): TerminateResult {
  if (!session.termination) throw new Error('assertion: session is not terminated');
  notifyTerminated(ctx, session.transactionId);
  return { transactionId: session.transactionId, termination: session.termination, lastSeq: session.seq };
}
