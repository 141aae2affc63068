import {
  formatTransactionId,
  generatePseudonym,
  type InitiationBody,
  type SignedMessage,
} from '@tallystick/protocol';
import { operatorAccount } from '../mta/accounts.ts';
import { interopAccountId } from '../mta/model.ts';
import { replayWindowEndMs } from '../mta/signed-errors.ts';
import { applyTransfer } from '../parties/ledger-calls.ts';
import type { Party } from '../parties/model.ts';
import { createDatabaseReplayGuard } from '../parties/replay-guard.ts';
import { inTransaction } from '../parties/transaction.ts';
import type { AmContext } from './deps.ts';
import type { AmError } from './errors.ts';
import { AmLedgerIds, type AmTransaction, HOLD_GRACE_SECONDS } from './model.ts';
import { insertTransaction, markFailed, takeTransactionSeq } from './repository.ts';

export interface ReservationInput {
  readonly customer: Party;
  readonly sessionId: string;
  readonly message: SignedMessage<InitiationBody>;
  readonly jws: string;
  readonly now: Date;
}

/**
 * Step 2, the money part, in one transaction: the message id is burned
 * (replay guard), the transaction id taken from the session row, the
 * transaction stored, and the deposit held on the customer's account toward
 * the interop account of the merchant's operator (last, see below). The ledger locks the customer's
 * account, so two concurrent initiations can never hold more than the limit.
 * A refusal rolls all of it back: nothing held, no number used, and the same
 * JWS may be sent again.
 */
export async function reserve(ctx: AmContext, input: ReservationInput): Promise<AmTransaction | AmError> {
  const { customer, message, now } = input;
  const body = message.body;
  const interop = interopAccountId(ctx.operatorId, body.merchantOperatorId, body.currency);
  await ctx.ensureAccounts([operatorAccount(interop, body.currency, 'operator_interop')]);
  return inTransaction<AmTransaction, AmError>(ctx.db.kysely, async (trx) => {
    const guard = createDatabaseReplayGuard(trx, ctx.clock);
    if (!(await guard.remember(customer.id, message.jti, replayWindowEndMs(message)))) return 'jws_replayed';
    const id = formatTransactionId(input.sessionId, await takeTransactionSeq(trx, input.sessionId));
    const transaction: AmTransaction = {
      id,
      sessionId: input.sessionId,
      customerId: customer.id,
      status: 'initiating',
      initiationJti: message.jti,
      initiationJws: input.jws,
      merchantId: body.merchantId,
      mtaOperatorId: body.merchantOperatorId,
      pseudonym: generatePseudonym(),
      sessionKey: { ...body.sessionKey },
      depositMinor: body.depositMinor,
      currency: body.currency,
      expiresAt: new Date(now.getTime() + body.timeoutSeconds * 1000),
      holdId: AmLedgerIds.hold(id),
      terms: null,
      errorCode: null,
      createdAt: now,
    };
    // The row names the hold before it exists (the reference is checked at commit, migration 031):
    // the ledger call locks the hot interop account until commit, so it is the last statement.
    await insertTransaction(trx, transaction);
    const held = await applyTransfer(
      ctx.ledger,
      {
        id: transaction.holdId,
        kind: 'pending',
        debitAccountId: customer.accountId,
        creditAccountId: interop,
        amountMinor: body.depositMinor,
        currency: body.currency,
        timeoutSeconds: body.timeoutSeconds + HOLD_GRACE_SECONDS,
      },
      trx,
    );
    if (held === 'exceeds_credits') return 'limit_exceeded';
    if (typeof held === 'string') throw new Error(`assertion: holding the deposit of ${id} failed: ${held}`);
    return transaction;
  });
}

/** The MTA said no (or nothing): the hold goes back at once and the answer is kept for a retry. */
export async function abandon(ctx: AmContext, transaction: AmTransaction, error: AmError): Promise<void> {
  await inTransaction<{ done: true }, never>(ctx.db.kysely, async (trx) => {
    // The ledger call last: it locks the interop account until commit.
    await markFailed(trx, transaction.id, error);
    const voided = await applyTransfer(
      ctx.ledger,
      { id: AmLedgerIds.abandon(transaction.id), kind: 'void', pendingId: transaction.holdId },
      trx,
    );
    // Already resolved: a clearing for it overtook us (the MTA did register it after all).
    if (typeof voided === 'string' && !voided.startsWith('pending_transfer_')) {
      throw new Error(`assertion: voiding the hold of ${transaction.id} failed: ${voided}`);
    }
    return { done: true };
  });
}
