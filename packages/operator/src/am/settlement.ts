import type { ClearingBody } from '@tallystick/protocol';
import type { LedgerExecutor, TransferInput } from '../ledger/model.ts';
import { interopAccountId } from '../mta/model.ts';
import { applyTransfer } from '../parties/ledger-calls.ts';
import { findPartyById } from '../parties/repository.ts';
import { inTransaction } from '../parties/transaction.ts';
import { figuresFit } from './clearing-fit.ts';
import { insertClearing, lockWithClearing, setClearingTransfer } from './clearing-store.ts';
import type { AmContext } from './deps.ts';
import type { AmError } from './errors.ts';
import type { ClearingReceipt } from './inbound.ts';
import { type AmClearing, AmLedgerIds, type AmTransaction } from './model.ts';
import { markCleared } from './repository.ts';

/**
 * Applies a clearing exactly once, in one transaction under the transaction
 * row's lock (taken with the read of any applied clearing, one statement):
 * the clearing must come from the MTA of this very transaction with figures
 * that fit what the AM holds (clearing-fit.ts); then the hold is posted for
 * `clearedCustomerMinor` (the rest returns to the customer) or voided when
 * nothing was claimed, the customer's withdrawal billing record written, the
 * clearing stored. A second delivery with the same figures finds the stored
 * clearing and changes nothing.
 */
export async function settle(
  ctx: AmContext,
  issuer: string,
  body: ClearingBody,
  jws: string,
): Promise<ClearingReceipt | AmError> {
  const receipt: ClearingReceipt = { transactionId: body.transactionId, status: 'applied' };
  return inTransaction<ClearingReceipt, AmError>(ctx.db.kysely, async (trx) => {
    const found = await lockWithClearing(trx, body.transactionId);
    if (!found) return 'transaction_not_found';
    const { transaction: locked, clearing: prior } = found;
    if (issuer !== locked.mtaOperatorId) return 'clearing_wrong_issuer';
    if (!figuresFit(locked, body)) return 'clearing_mismatch';
    if (prior) return sameFigures(prior, body) ? receipt : 'clearing_conflict';
    // The ledger call locks the hot interop account until commit: everything else goes first (a
    // refusal rolls it all back), so that lock is held for one round trip and the commit. The
    // clearing names the transfer that will resolve the hold; the reference is checked at commit
    // (migration 031).
    await ctx.billing.record(
      {
        transactionId: locked.id,
        kind: 'withdrawal',
        partyId: locked.customerId,
        amountMinor: body.clearedCustomerMinor,
        currency: locked.currency,
        rate: body.rate,
        feeMinor: 0n,
      },
      trx,
    );
    await markCleared(trx, locked.id);
    const resolutionId = resolutionOf(locked, body.clearedCustomerMinor).id;
    await insertClearing(trx, locked.id, clearingOf(body, jws, resolutionId, ctx.clock()));
    const resolved = await resolveHold(ctx, trx, locked, body.clearedCustomerMinor);
    if (resolved === 'hold_unavailable') return resolved;
    // Rare: the hold was gone, so a late charge (or nothing) resolved it.
    if (resolved.transferId !== resolutionId) await setClearingTransfer(trx, locked.id, resolved.transferId);
    return receipt;
  });
}

/** The ledger transfer that resolved the customer's side; null when there was nothing to do. */
interface Resolved {
  readonly transferId: string | null;
}

function resolutionOf(transaction: AmTransaction, clearedMinor: bigint): TransferInput {
  const pendingId = transaction.holdId;
  return clearedMinor > 0n
    ? { id: AmLedgerIds.post(transaction.id), kind: 'post', pendingId, amountMinor: clearedMinor }
    : { id: AmLedgerIds.void(transaction.id), kind: 'void', pendingId };
}

/** Post the used part, or void when nothing was used. The ledger returns the rest of a partial post. */
async function resolveHold(
  ctx: AmContext,
  trx: LedgerExecutor,
  transaction: AmTransaction,
  clearedMinor: bigint,
): Promise<Resolved | 'hold_unavailable'> {
  const result = await applyTransfer(ctx.ledger, resolutionOf(transaction, clearedMinor), trx);
  if (typeof result !== 'string') return { transferId: result.transfer.id };
  const holdGone = result === 'pending_transfer_already_voided' || result === 'pending_transfer_expired';
  if (!holdGone) throw new Error(`assertion: resolving the hold of ${transaction.id} failed: ${result}`);
  return clearedMinor === 0n ? { transferId: null } : chargeLate(ctx, trx, transaction, clearedMinor);
}

/**
 * The hold is gone (expired after an outage, or voided when the initiation
 * failed here but the MTA had registered it): the AM signed for the deposit,
 * so it charges the customer directly, as far as the account allows.
 */
async function chargeLate(
  ctx: AmContext,
  trx: LedgerExecutor,
  transaction: AmTransaction,
  amountMinor: bigint,
): Promise<Resolved | 'hold_unavailable'> {
  const customer = await findPartyById(trx, transaction.customerId);
  if (!customer) throw new Error(`assertion: customer of ${transaction.id} is gone`);
  const charged = await applyTransfer(
    ctx.ledger,
    {
      id: AmLedgerIds.late(transaction.id),
      kind: 'single',
      debitAccountId: customer.accountId,
      creditAccountId: interopAccountId(ctx.operatorId, transaction.mtaOperatorId, transaction.currency),
      amountMinor,
      currency: transaction.currency,
    },
    trx,
  );
  ctx.log?.warn(
    { transactionId: transaction.id, result: typeof charged === 'string' ? charged : 'charged' },
    'late charge',
  );
  return typeof charged === 'string' ? 'hold_unavailable' : { transferId: charged.transfer.id };
}

function sameFigures(prior: AmClearing, body: ClearingBody): boolean {
  return (
    prior.outcome === body.outcome &&
    prior.voucherSeq === body.voucherSeq &&
    prior.clearedCustomerMinor === body.clearedCustomerMinor &&
    prior.clearedMerchantMinor === body.clearedMerchantMinor &&
    prior.releasedCustomerMinor === body.releasedCustomerMinor
  );
}

function clearingOf(body: ClearingBody, jws: string, transferId: string | null, now: Date): AmClearing {
  return {
    outcome: body.outcome,
    reason: body.reason,
    voucherSeq: body.voucherSeq,
    clearedCustomerMinor: body.clearedCustomerMinor,
    releasedCustomerMinor: body.releasedCustomerMinor,
    clearedMerchantMinor: body.clearedMerchantMinor,
    feeMinor: body.feeMinor,
    ledgerTransferId: transferId,
    clearingJws: jws,
    clearedAt: now,
  };
}
