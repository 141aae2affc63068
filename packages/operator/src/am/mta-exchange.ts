import { type InitiationBody, MtaAckMessage, signAmendedInitiation, verifyTyped } from '@tallystick/protocol';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { AmContext } from './deps.ts';
import { type AmError, relayMtaFailure } from './errors.ts';
import type { AmSessionTerms, AmTransaction } from './model.ts';

/**
 * Steps 2 and 5: the amended initiation to the MTA (signed by this AM, which
 * vouches for the customer and guarantees the deposit; the customer appears
 * as the pseudonym only) and its ack back, verified under the MTA's published
 * key and checked to acknowledge exactly this deposit and expiry.
 */
export async function askMta(
  ctx: AmContext,
  transaction: AmTransaction,
  initiation: InitiationBody,
): Promise<Omit<AmSessionTerms, 'sessionReadyJws'> | AmError> {
  const amended = await signAmendedInitiation(
    ctx.key,
    { iss: ctx.operatorId, aud: transaction.mtaOperatorId, nowMs: ctx.clock().getTime() },
    {
      transactionId: transaction.id,
      depositMinor: transaction.depositMinor,
      currency: transaction.currency,
      pseudonym: transaction.pseudonym,
      merchantId: transaction.merchantId,
      sessionKey: initiation.sessionKey,
      expiresAtMs: transaction.expiresAt.getTime(),
      customerOperatorId: ctx.operatorId,
      offerId: initiation.offerId,
      ...(initiation.hashChain !== undefined ? { hashChain: initiation.hashChain } : {}),
    },
  );
  const answer = await ctx.mta.registerTransaction(transaction.mtaOperatorId, amended);
  if (!answer.ok) {
    ctx.log?.warn(
      { transactionId: transaction.id, mta: transaction.mtaOperatorId, ...answer },
      'MTA said no',
    );
    return relayMtaFailure(answer, 'initiation');
  }
  const ack = await verifiedOrCode(() =>
    verifyTyped(answer.value.mtaAck, MtaAckMessage, {
      resolveKey: ctx.directory.resolveOperatorKey,
      audience: ctx.operatorId,
      transactionId: transaction.id,
      nowMs: ctx.clock().getTime(),
    }),
  );
  if (typeof ack === 'string' || ack.iss !== transaction.mtaOperatorId) return 'mta_ack_invalid';
  const body = ack.body;
  const matches =
    body.depositCustomerMinor === transaction.depositMinor &&
    body.customerCurrency === transaction.currency &&
    body.expiresAtMs === transaction.expiresAt.getTime();
  if (!matches) return 'mta_ack_invalid';
  return {
    rate: body.rate,
    depositMerchantMinor: body.depositMerchantMinor,
    merchantCurrency: body.merchantCurrency,
    mtaAckJws: answer.value.mtaAck,
  };
}
