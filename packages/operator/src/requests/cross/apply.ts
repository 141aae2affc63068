import { CLOCK_SKEW_SECONDS_MAX } from '@tallystick/protocol';
import type { Kysely, Selectable } from 'kysely';
import { Compile } from 'typebox/compile';
import type { Schema } from '../../db/schema.ts';
import type { TransferInput } from '../../ledger/model.ts';
import { operatorAccount } from '../../mta/accounts.ts';
import { interopAccountId, liquidityAccountId } from '../../mta/model.ts';
import { inTransaction } from '../../parties/transaction.ts';
import { enqueueWebhook } from '../../webhooks/outbox.ts';
import type { RequestError } from '../errors.ts';
import { type PurchaseRequest, requestFee } from '../model.ts';
import { answerWebhook } from '../notify.ts';
import { findRequestRow, toRequest } from '../repository.ts';
import type { RequestsDeps } from '../service.ts';
import type { CrossDeps } from './deps.ts';
import { AnswerRelayBody, RTP_ANSWER_MESSAGE_TYPE } from './model.ts';
import { readPeerMessage } from './verify.ts';

const checkRelay = Compile(AnswerRelayBody);
type Row = Selectable<Schema['purchase_requests']>;

/**
 * Merchant's operator: the customer's operator relays her answer, after it
 * debited her. Booked once, like a trading-session clearing at the MTA
 * (mta/booking.ts), in one linked chain:
 *   interop.<peer>.<charge cur> -> liquidity.<charge cur>   charge
 *   liquidity.<cur>             -> merchant                 amount - fee
 *   liquidity.<cur>             -> rtp-fees.<cur>           fee
 * The same answer again is acknowledged without touching anything.
 */
export async function applyAnswerRelay(
  deps: RequestsDeps & { cross: CrossDeps },
  jws: string,
): Promise<PurchaseRequest | RequestError> {
  const read = await readPeerMessage<AnswerRelayBody>(
    { directory: deps.cross.directory, operatorId: deps.operatorId, clock: deps.clock },
    jws,
    RTP_ANSWER_MESSAGE_TYPE,
    checkRelay,
    'answer_relay_invalid',
  );
  if (typeof read === 'string') return read;
  const { issuer, body } = read;
  const peek = await findRequestRow(deps.db.kysely, body.requestId);
  if (!peek || peek.customer_operator_id !== issuer) return 'request_not_found';
  if (!figuresMatch(peek, body)) return 'affirmation_mismatch';
  const merchant = await deps.parties.findParty(peek.merchant_id);
  if (!merchant?.endpointUrl) throw new Error('assertion: a request names a merchant without an endpoint');
  const chargeCurrency = body.chargeCurrency;
  const ids = {
    interop: interopAccountId(deps.operatorId, issuer, chargeCurrency),
    chargeLiquidity: liquidityAccountId(deps.operatorId, chargeCurrency),
    liquidity: liquidityAccountId(deps.operatorId, deps.currency),
  };
  await deps.cross.ensureAccounts([
    operatorAccount(ids.interop, chargeCurrency, 'operator_interop'),
    operatorAccount(ids.chargeLiquidity, chargeCurrency, 'operator_liquidity'),
    operatorAccount(ids.liquidity, deps.currency, 'operator_liquidity'),
  ]);
  const result = await inTransaction<PurchaseRequest, RequestError>(deps.db.kysely, async (trx) => {
    const row = await trx
      .selectFrom('purchase_requests')
      .selectAll()
      .where('id', '=', body.requestId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const now = deps.clock();
    const status = body.decision === 'affirm' ? 'affirmed' : 'declined';
    if (row.status !== 'pending')
      return row.status === status ? toRequest(row, now) : 'request_already_answered';
    // Her operator checked the expiry by its clock; ours may differ by the allowed skew, no more.
    const answeredAt = new Date(body.answeredAt);
    const skewMs = CLOCK_SKEW_SECONDS_MAX * 1000;
    if (answeredAt.getTime() > row.expires_at.getTime() || answeredAt.getTime() > now.getTime() + skewMs)
      return 'request_expired';
    if (body.decision === 'affirm') await book(deps, trx, row, merchant.accountId, ids);
    const fee = body.decision === 'affirm' ? requestFee(row.amount_minor) : null;
    const updated = await trx
      .updateTable('purchase_requests')
      .set({
        status,
        answer_jws: jws,
        answer_method: body.method,
        answered_at: now,
        customer_pseudonym: body.customerPseudonym,
        ...(fee !== null ? { transfer_id: `rtp:${row.id}`, fee_minor: fee } : {}),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const paid = fee === null ? null : { feeMinor: fee, affirmedAt: now };
    await enqueueWebhook(trx, answerWebhook(row, merchant.endpointUrl as string, paid), now);
    return toRequest(updated, now);
  });
  if (typeof result !== 'string' && result.status === 'affirmed') await deps.onAffirmed?.(result);
  return result;
}

function figuresMatch(row: Row, body: AnswerRelayBody): boolean {
  return (
    body.amountMinor === row.amount_minor.toString() &&
    body.currency === row.currency &&
    body.chargeMinor === row.charge_minor?.toString() &&
    body.chargeCurrency === row.charge_currency &&
    body.itemsHash === row.items_hash
  );
}

async function book(
  deps: RequestsDeps,
  trx: Kysely<Schema>,
  row: Row,
  merchantAccountId: string,
  ids: { interop: string; chargeLiquidity: string; liquidity: string },
): Promise<void> {
  const fee = requestFee(row.amount_minor);
  const charge = BigInt(row.charge_minor ?? 0n);
  const legs: TransferInput[] = [
    {
      id: `rtp:${row.id}:acquire`,
      kind: 'single',
      debitAccountId: ids.interop,
      creditAccountId: ids.chargeLiquidity,
      amountMinor: charge,
      currency: row.charge_currency ?? '',
      userData: row.id,
    },
  ];
  if (row.amount_minor - fee > 0n) {
    legs.push({
      id: `rtp:${row.id}`,
      kind: 'single',
      debitAccountId: ids.liquidity,
      creditAccountId: merchantAccountId,
      amountMinor: row.amount_minor - fee,
      currency: row.currency,
      userData: row.id,
    });
  }
  if (fee > 0n) {
    legs.push({
      id: `rtp:${row.id}:fee`,
      kind: 'single',
      debitAccountId: ids.liquidity,
      creditAccountId: deps.feeAccountId,
      amountMinor: fee,
      currency: row.currency,
      userData: row.id,
    });
  }
  const chain = legs.map((leg, i) => (i < legs.length - 1 ? { ...leg, linked: true } : leg));
  const results = await deps.ledger.createTransfers(chain, { executor: trx });
  if (typeof results === 'string') throw new Error(`assertion: request-to-pay booking refused: ${results}`);
  const failed = results.find((r) => !r.ok);
  // Operator accounts are unlimited and a merchant account only takes credits: a failure here is a bug.
  if (failed && !failed.ok) throw new Error(`assertion: booking ${failed.id} failed: ${failed.error}`);
}
