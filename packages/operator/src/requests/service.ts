import { randomBytes } from 'node:crypto';
import type { ReplayGuard } from '@tallystick/protocol';
import type { Database } from '../db/database.ts';
import type { LedgerService } from '../ledger/model.ts';
import type { Party } from '../parties/model.ts';
import type { PartiesService } from '../parties/service.ts';
import { inTransaction } from '../parties/transaction.ts';
import { enqueueWebhook } from '../webhooks/outbox.ts';
import { type CustomerAlias, createAlias, resolveAlias } from './aliases.ts';
import { bodyHash, canonicalItems, itemsHash } from './canonical.ts';
import type { RequestError } from './errors.ts';
import type { RequestEvents } from './events.ts';
import {
  PENDING_PAGE_MAX,
  type PurchaseRequest,
  type PurchaseRequestBody,
  REQUEST_TTL_SECONDS_MAX,
  requestFee,
} from './model.ts';
import { findByMerchantRequestId, findRequestRow, pendingRowsOf, toRequest } from './repository.ts';
import { readAffirmation, readPurchaseRequest } from './signed.ts';

export interface RequestsDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: Pick<PartiesService, 'findKeyOf' | 'findParty'>;
  readonly operatorId: string;
  readonly currency: string;
  readonly feeAccountId: string;
  readonly replayGuard: ReplayGuard;
  readonly events: RequestEvents;
  readonly clock: () => Date;
  /** Called after an affirmation committed (fulfilment); failures there are retried by a later read. */
  readonly onAffirmed?: (request: PurchaseRequest) => Promise<void>;
}

export interface RequestsService {
  createAlias(customer: Party): Promise<CustomerAlias | RequestError>;
  submit(
    merchant: Party,
    jws: string,
  ): Promise<{ request: PurchaseRequest; created: boolean } | RequestError>;
  pending(customer: Party): Promise<readonly PurchaseRequest[]>;
  get(caller: Party, id: string): Promise<PurchaseRequest | RequestError>;
  answer(customer: Party, id: string, jws: string): Promise<PurchaseRequest | RequestError>;
}

export function createRequestsService(deps: RequestsDeps): RequestsService {
  const db = deps.db.kysely;
  return {
    async createAlias(customer) {
      if (customer.kind !== 'customer') return 'not_a_customer';
      return createAlias(db, customer.id);
    },
    submit: (merchant, jws) => submit(deps, merchant, jws),
    async pending(customer) {
      const now = deps.clock();
      return (await pendingRowsOf(db, customer.id, now, PENDING_PAGE_MAX)).map((r) => toRequest(r, now));
    },
    async get(caller, id) {
      const row = await findRequestRow(db, id);
      // Someone else's request must look exactly like no request.
      if (!row || (row.customer_id !== caller.id && row.merchant_id !== caller.id))
        return 'request_not_found';
      return toRequest(row, deps.clock());
    },
    answer: (customer, id, jws) => answer(deps, customer, id, jws),
  };
}

async function submit(
  deps: RequestsDeps,
  merchant: Party,
  jws: string,
): Promise<{ request: PurchaseRequest; created: boolean } | RequestError> {
  if (merchant.kind !== 'merchant') return 'not_a_merchant';
  const body = await readPurchaseRequest(deps, merchant, jws);
  if (typeof body === 'string') return body;
  const db = deps.db.kysely;
  const now = deps.clock();
  const hash = bodyHash(body);
  const existing = await findByMerchantRequestId(db, merchant.id, body.requestId);
  if (existing) {
    return existing.body_sha256 === hash
      ? { request: toRequest(existing, now), created: false }
      : 'request_id_reused';
  }
  const checked = checkBody(body, deps.currency, now);
  if (typeof checked === 'string') return checked;
  const alias = await resolveAlias(db, body.customerRef);
  if (!alias) return 'customer_ref_unknown';
  const id = `prq-${randomBytes(10).toString('hex')}`;
  const items = canonicalItems(body.items);
  const inserted = await db
    .insertInto('purchase_requests')
    .values({
      id,
      merchant_id: merchant.id,
      merchant_request_id: body.requestId,
      customer_id: alias.customer_id,
      customer_ref: body.customerRef,
      amount_minor: checked.amountMinor,
      currency: body.currency,
      description: body.description,
      items: JSON.stringify(items),
      items_hash: itemsHash(items),
      body_sha256: hash,
      expires_at: checked.expiresAt,
      status: 'pending',
      request_jws: jws,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'merchant_request_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) return submit(deps, merchant, jws); // lost a race with the same request id: answer as a retry
  deps.events.publish(alias.customer_id, id);
  return { request: toRequest(inserted, now), created: true };
}

function checkBody(
  body: PurchaseRequestBody,
  currency: string,
  now: Date,
): { amountMinor: bigint; expiresAt: Date } | RequestError {
  // Same operator, one currency: exchange applies only across operators (not wired here yet).
  if (body.currency !== currency) return 'request_currency_unsupported';
  const amountMinor = BigInt(body.amountMinor);
  const sum = body.items.reduce((total, i) => total + BigInt(i.unitPriceMinor) * BigInt(i.quantity), 0n);
  if (sum !== amountMinor) return 'request_amount_mismatch';
  const expiresAt = new Date(body.expiresAt);
  const ttlMs = expiresAt.getTime() - now.getTime();
  if (!(ttlMs > 0 && ttlMs <= REQUEST_TTL_SECONDS_MAX * 1000)) return 'request_expiry_invalid';
  return { amountMinor, expiresAt };
}

async function answer(
  deps: RequestsDeps,
  customer: Party,
  id: string,
  jws: string,
): Promise<PurchaseRequest | RequestError> {
  if (customer.kind !== 'customer') return 'not_a_customer';
  const body = await readAffirmation(deps, customer, jws);
  if (typeof body === 'string') return body;
  if (body.requestId !== id) return 'affirmation_mismatch';
  // Read outside the transaction: on PGlite (one connection) a query beside an open transaction would wait forever.
  const peek = await findRequestRow(deps.db.kysely, id);
  if (!peek || peek.customer_id !== customer.id) return 'request_not_found';
  const merchant = await deps.parties.findParty(peek.merchant_id);
  if (!merchant?.endpointUrl) throw new Error('assertion: a request names a merchant without an endpoint');
  const webhookUrl = merchant.endpointUrl;
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
    if (
      body.amountMinor !== row.amount_minor.toString() ||
      body.currency !== row.currency ||
      body.merchantId !== row.merchant_id ||
      body.itemsHash !== row.items_hash
    ) {
      return 'affirmation_mismatch';
    }
    if (body.decision === 'decline') {
      const declined = await trx
        .updateTable('purchase_requests')
        .set({ status: 'declined', answer_jws: jws, answer_method: 'jws', answered_at: now })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await notify(
        trx,
        webhookUrl,
        declined.merchant_id,
        `${id}.declined`,
        'purchase_request.declined',
        { requestId: id, merchantRequestId: row.merchant_request_id },
        now,
      );
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
          creditAccountId: merchant.accountId,
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
    if (typeof results === 'string')
      throw new Error(`assertion: a two-transfer batch was refused: ${results}`);
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) return failed.error;
    const affirmed = await trx
      .updateTable('purchase_requests')
      .set({
        status: 'affirmed',
        answer_jws: jws,
        answer_method: 'jws',
        answered_at: now,
        transfer_id: transferId,
        fee_minor: fee,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await notify(
      trx,
      webhookUrl,
      merchant.id,
      `${id}.paid`,
      'purchase_request.paid',
      {
        requestId: id,
        merchantRequestId: row.merchant_request_id,
        transferId,
        amountMinor: row.amount_minor.toString(),
        feeMinor: fee.toString(),
        creditedMinor: (row.amount_minor - fee).toString(),
        currency: row.currency,
        itemsHash: row.items_hash,
        affirmedAt: now.toISOString(),
      },
      now,
    );
    return toRequest(affirmed, now);
  });
  if (typeof result !== 'string' && result.status === 'affirmed') await deps.onAffirmed?.(result);
  return result;
}

async function notify(
  trx: Parameters<typeof enqueueWebhook>[0],
  url: string,
  merchantId: string,
  eventId: string,
  type: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await enqueueWebhook(trx, { id: eventId, merchantId, url, type, data }, now);
}
