import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { operatorAccount } from '../mta/accounts.ts';
import { interopAccountId } from '../mta/model.ts';
import type { Party } from '../parties/model.ts';
import { inTransaction } from '../parties/transaction.ts';
import { enqueueWebhook } from '../webhooks/outbox.ts';
import { resolveAlias } from './aliases.ts';
import { enqueueAnswerRelay } from './cross/relay.ts';
import type { RequestError } from './errors.ts';
import { type AffirmationBody, type PurchaseRequest, requestFee } from './model.ts';
import { answerWebhook } from './notify.ts';
import { findRequestRow, toRequest } from './repository.ts';
import type { RequestsDeps } from './service.ts';

type Row = Selectable<Schema['purchase_requests']>;

/** One answer by the customer, however it was proven (her JWS, or a passkey assertion). */
export interface AnswerInput {
  readonly decision: 'affirm' | 'decline';
  readonly method: 'jws' | 'webauthn';
  /** The proof kept with the answer: her compact JWS, or the WebAuthn assertion as JSON. */
  readonly evidence: string;
  /** The figures she signed (JWS); a passkey's challenge binds them instead. */
  readonly figures?: AffirmationBody;
  /** Runs first inside the answer's transaction (a passkey challenge is used up there). */
  readonly consume?: (trx: Kysely<Schema>) => Promise<RequestError | undefined>;
}

/**
 * Applies an answer once, under the request row's lock: expired or answered
 * requests are refused. Same operator: customer -> merchant (minus fee) and the
 * merchant's webhook. Merchant at another operator: customer -> interop with
 * that operator for the charge in her currency, and the answer relayed there
 * through the peer outbox; its settlement nets the interop account later.
 */
export async function answerRequest(
  deps: RequestsDeps,
  customer: Party,
  id: string,
  input: AnswerInput,
): Promise<PurchaseRequest | RequestError> {
  if (customer.kind !== 'customer') return 'not_a_customer';
  // Read outside the transaction: on PGlite (one connection) a query beside an open transaction would wait forever.
  const peek = await findRequestRow(deps.db.kysely, id);
  if (!peek || peek.customer_id !== customer.id) return 'request_not_found';
  let webhookUrl: string | undefined;
  let merchantAccountId: string | undefined;
  if (peek.merchant_operator_id === null) {
    const merchant = await deps.parties.findParty(peek.merchant_id);
    if (!merchant?.endpointUrl) throw new Error('assertion: a request names a merchant without an endpoint');
    webhookUrl = merchant.endpointUrl;
    merchantAccountId = merchant.accountId;
  } else {
    if (!deps.cross) throw new Error('assertion: a cross-operator request on a node without peers');
    const interop = interopAccountId(deps.operatorId, peek.merchant_operator_id, deps.currency);
    await deps.cross.ensureAccounts([operatorAccount(interop, deps.currency, 'operator_interop')]);
  }
  let relayId: string | undefined;
  const result = await inTransaction<PurchaseRequest, RequestError>(deps.db.kysely, async (trx) => {
    const row = await trx
      .selectFrom('purchase_requests')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.customer_id !== customer.id) return 'request_not_found';
    const now = deps.clock();
    if (row.status !== 'pending') return 'request_already_answered';
    if (row.expires_at.getTime() <= now.getTime()) return 'request_expired';
    if (input.figures && !figuresMatch(row, input.figures)) return 'affirmation_mismatch';
    const consumed = await input.consume?.(trx);
    if (consumed) return consumed;
    if (row.merchant_operator_id !== null) {
      const answered = await answerCross(deps, trx, customer, row, input, now);
      if (typeof answered === 'string') return answered;
      relayId = answered.relayId;
      return answered.request;
    }
    if (!webhookUrl || !merchantAccountId) throw new Error('assertion: local request without its merchant');
    return answerLocal(deps, trx, customer, row, input, now, { webhookUrl, merchantAccountId });
  });
  if (typeof result === 'string') return result;
  if (relayId !== undefined) {
    // Best effort now; the relay loop retries whatever did not get through.
    await deps.relays?.deliverDue(1, relayId).catch(() => 0);
  } else if (result.status === 'affirmed') {
    await deps.onAffirmed?.(result);
  }
  return result;
}

function figuresMatch(row: Row, f: AffirmationBody): boolean {
  const same =
    f.amountMinor === row.amount_minor.toString() &&
    f.currency === row.currency &&
    f.merchantId === row.merchant_id &&
    f.itemsHash === row.items_hash;
  if (row.merchant_operator_id === null) return same;
  // Across operators she names what she pays in her own currency too.
  return same && f.chargeMinor === row.charge_minor?.toString() && f.chargeCurrency === row.charge_currency;
}

async function answerLocal(
  deps: RequestsDeps,
  trx: Kysely<Schema>,
  customer: Party,
  row: Row,
  input: AnswerInput,
  now: Date,
  merchant: { webhookUrl: string; merchantAccountId: string },
): Promise<PurchaseRequest | RequestError> {
  const id = row.id;
  const answer = { answer_jws: input.evidence, answer_method: input.method, answered_at: now };
  if (input.decision === 'decline') {
    const declined = await trx
      .updateTable('purchase_requests')
      .set({ status: 'declined', ...answer })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueWebhook(trx, answerWebhook(row, merchant.webhookUrl, null), now);
    return toRequest(declined, now);
  }
  const fee = requestFee(row.amount_minor);
  const transferId = `rtp:${id}`;
  const results = await deps.ledger.createTransfers(
    [
      {
        id: transferId,
        kind: 'single',
        linked: fee > 0n,
        debitAccountId: customer.accountId,
        creditAccountId: merchant.merchantAccountId,
        amountMinor: row.amount_minor - fee,
        currency: row.currency,
        userData: id,
      },
      ...(fee > 0n
        ? [
            {
              id: `${transferId}:fee`,
              kind: 'single' as const,
              debitAccountId: customer.accountId,
              creditAccountId: deps.feeAccountId,
              amountMinor: fee,
              currency: row.currency,
              userData: id,
            },
          ]
        : []),
    ],
    { executor: trx },
  );
  if (typeof results === 'string') throw new Error(`assertion: a two-transfer batch was refused: ${results}`);
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) return failed.error;
  const affirmed = await trx
    .updateTable('purchase_requests')
    .set({ status: 'affirmed', ...answer, transfer_id: transferId, fee_minor: fee })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueueWebhook(trx, answerWebhook(row, merchant.webhookUrl, { feeMinor: fee, affirmedAt: now }), now);
  return toRequest(affirmed, now);
}

/** Customer's operator: her side only; the merchant's operator books its side on the relayed answer. */
async function answerCross(
  deps: RequestsDeps,
  trx: Kysely<Schema>,
  customer: Party,
  row: Row,
  input: AnswerInput,
  now: Date,
): Promise<{ request: PurchaseRequest; relayId: string } | RequestError> {
  const cross = deps.cross;
  const peerId = row.merchant_operator_id;
  if (!cross || peerId === null || row.charge_minor === null || row.charge_currency === null)
    throw new Error(`assertion: ${row.id} is not a cross-operator request`);
  const chargeMinor = BigInt(row.charge_minor);
  const transferId = `rtp:${row.id}`;
  const alias = await resolveAlias(trx, row.customer_ref);
  if (alias?.customer_id !== customer.id) throw new Error(`assertion: ${row.id} names an alias not hers`);
  if (input.decision === 'affirm') {
    const results = await deps.ledger.createTransfers(
      [
        {
          id: transferId,
          kind: 'single',
          debitAccountId: customer.accountId,
          creditAccountId: interopAccountId(deps.operatorId, peerId, row.charge_currency),
          amountMinor: chargeMinor,
          currency: row.charge_currency,
          userData: row.id,
        },
      ],
      { executor: trx },
    );
    if (typeof results === 'string')
      throw new Error(`assertion: a one-transfer batch was refused: ${results}`);
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) return failed.error;
  }
  const updated = await trx
    .updateTable('purchase_requests')
    .set({
      status: input.decision === 'affirm' ? 'affirmed' : 'declined',
      answer_jws: input.evidence,
      answer_method: input.method,
      answered_at: now,
      ...(input.decision === 'affirm' ? { transfer_id: transferId } : {}),
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const relayId = await enqueueAnswerRelay(
    trx,
    { cross, operatorId: deps.operatorId },
    peerId,
    {
      requestId: row.id,
      decision: input.decision,
      amountMinor: row.amount_minor.toString(),
      currency: row.currency,
      chargeMinor: chargeMinor.toString(),
      chargeCurrency: row.charge_currency,
      itemsHash: row.items_hash,
      answeredAt: now.toISOString(),
      method: input.method,
      customerPseudonym: alias.pseudonym,
      customerAnswer: input.evidence,
    },
    now,
  );
  return { request: toRequest(updated, now), relayId };
}
