import { MerchantAckMessage, signInformation, verifyTyped } from '@tallystick/protocol';
import type { MtaDeps } from './deps.ts';
import type { MtaError } from './errors.ts';
import { partyKeyResolver } from './keys.ts';
import { callMerchant } from './merchant-client.ts';
import { verifiedOrCode } from './signed-errors.ts';
import type { SessionTerms } from './terms.ts';

/**
 * Steps 3 and 4: tells the merchant about the session (deposit in its
 * currency, pseudonym, session key, expiry, rate) and checks that its signed
 * acknowledgement accepts exactly that customer and deposit.
 */
export async function askMerchant(
  deps: Pick<MtaDeps, 'key' | 'operatorId' | 'parties' | 'fetch'>,
  terms: SessionTerms,
  nowMs: number,
): Promise<{ readonly merchantAckJws: string } | MtaError> {
  const { body, merchant } = terms;
  const information = await signInformation(
    deps.key,
    { iss: deps.operatorId, aud: merchant.id, nowMs },
    {
      transactionId: body.transactionId,
      merchantId: merchant.id,
      depositMinor: terms.depositMerchantMinor,
      currency: merchant.currency,
      pseudonym: body.pseudonym,
      sessionKey: body.sessionKey,
      expiresAtMs: body.expiresAtMs,
      rate: terms.rate,
      offerId: body.offerId,
      ...(body.hashChain !== undefined ? { hashChain: body.hashChain } : {}),
    },
  );
  const answer = await callMerchant(
    merchant.endpointUrl,
    information,
    deps.fetch ? { fetch: deps.fetch } : {},
  );
  if (typeof answer === 'string') return answer;
  const ack = await verifiedOrCode(() =>
    verifyTyped(answer.merchantAck, MerchantAckMessage, {
      resolveKey: partyKeyResolver(deps.parties, merchant.id),
      audience: deps.operatorId,
      transactionId: body.transactionId,
      nowMs,
    }),
  );
  if (typeof ack === 'string') return 'merchant_ack_invalid';
  const accepted =
    ack.body.pseudonym === body.pseudonym &&
    ack.body.depositMinor === terms.depositMerchantMinor &&
    ack.body.currency === merchant.currency;
  return accepted ? { merchantAckJws: answer.merchantAck } : 'merchant_ack_invalid';
}
