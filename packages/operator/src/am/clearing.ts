import { type ClearingBody, ClearingMessage, type Rate, verifyTyped } from '@tallystick/protocol';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { AmContext } from './deps.ts';
import type { AmError } from './errors.ts';
import type { ClearingReceipt } from './inbound.ts';
import type { AmTransaction } from './model.ts';
import { findTransaction } from './repository.ts';
import { settle } from './settlement.ts';

/**
 * FIG 3, MTA -> customer's AM: verified under the MTA's published key, from
 * the MTA of this very transaction, with figures that fit what the AM holds.
 * Then the hold is resolved once (settlement.ts). The same clearing again is
 * acknowledged without touching anything.
 */
export async function applyClearing(ctx: AmContext, jws: string): Promise<ClearingReceipt | AmError> {
  const message = await verifiedOrCode(() =>
    verifyTyped(jws, ClearingMessage, {
      resolveKey: ctx.directory.resolveOperatorKey,
      audience: ctx.operatorId,
      nowMs: ctx.clock().getTime(),
    }),
  );
  if (typeof message === 'string') return message;
  const transaction = await findTransaction(ctx.db.kysely, message.body.transactionId);
  if (!transaction) return 'transaction_not_found';
  if (message.iss !== transaction.mtaOperatorId) return 'clearing_wrong_issuer';
  if (!figuresFit(transaction, message.body)) return 'clearing_mismatch';
  return settle(ctx, transaction, message.body, jws);
}

/**
 * The customer's side must be exactly what was held, and the terms what the
 * MTA acknowledged. A transaction whose initiation failed here has no terms:
 * then the MTA's signature on its own rate is all there is, and it binds it.
 */
export function figuresFit(transaction: AmTransaction, body: ClearingBody): boolean {
  if (
    body.depositCustomerMinor !== transaction.depositMinor ||
    body.customerCurrency !== transaction.currency
  ) {
    return false;
  }
  if (body.clearedCustomerMinor + body.releasedCustomerMinor !== body.depositCustomerMinor) return false;
  const terms = transaction.terms;
  if (terms === null) return true;
  return (
    body.merchantCurrency === terms.merchantCurrency &&
    body.depositMerchantMinor === terms.depositMerchantMinor &&
    sameRate(body.rate, terms.rate)
  );
}

function sameRate(a: Rate, b: Rate): boolean {
  return (
    a.base === b.base && a.quote === b.quote && a.numerator === b.numerator && a.denominator === b.denominator
  );
}
