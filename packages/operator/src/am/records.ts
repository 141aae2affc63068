import { CustomerRecordMessage, verifyTyped } from '@tallystick/protocol';
import { importSessionKey, sessionKeyResolver } from '../mta/keys.ts';
import type { RecordStatus } from '../mta/model.ts';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { Party } from '../parties/model.ts';
import type { AmContext } from './deps.ts';
import { type AmError, relayMtaFailure } from './errors.ts';
import { findTransaction } from './repository.ts';

/**
 * FIG 3, wallet -> AM -> MTA: the customer's record, checked here under the
 * session key this AM was given for the transaction (so only the
 * transaction's own customer can hand it in), then relayed unchanged: the MTA
 * verifies the customer's own signature, not the AM's word.
 */
export async function relayCustomerRecord(
  ctx: AmContext,
  customer: Party,
  transactionId: string,
  jws: string,
): Promise<{ readonly status: RecordStatus } | AmError> {
  const transaction = await findTransaction(ctx.db.kysely, transactionId);
  if (transaction?.customerId !== customer.id) return 'transaction_not_found';
  // A cleared transaction still relays: the same signed record again is a retry
  // after a lost answer, and the MTA answers it as before (another one it refuses).
  if (transaction.status !== 'open' && transaction.status !== 'cleared') return 'transaction_not_open';
  const key = await importSessionKey(transaction.sessionKey);
  if (typeof key === 'string')
    throw new Error(`assertion: stored session key of ${transactionId} is unusable`);
  const message = await verifiedOrCode(() =>
    verifyTyped(jws, CustomerRecordMessage, {
      resolveKey: sessionKeyResolver(key, transaction.pseudonym),
      audience: transaction.mtaOperatorId,
      transactionId,
      nowMs: ctx.clock().getTime(),
    }),
  );
  if (typeof message === 'string') return message;
  const answer = await ctx.mta.submitCustomerRecord(transaction.mtaOperatorId, transactionId, jws);
  if (!answer.ok) {
    ctx.log?.warn(
      { transactionId, mta: transaction.mtaOperatorId, ...answer },
      'MTA refused a customer record',
    );
    return relayMtaFailure(answer, 'record');
  }
  return answer.value;
}
