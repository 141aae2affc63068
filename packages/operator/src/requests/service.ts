import { randomBytes } from 'node:crypto';
import type { ReplayGuard } from '@tallystick/protocol';
import type { Database } from '../db/database.ts';
import type { LedgerService } from '../ledger/model.ts';
import type { Party } from '../parties/model.ts';
import type { PartiesService } from '../parties/service.ts';
import { type CustomerAlias, createAlias, resolveAlias } from './aliases.ts';
import { type AnswerInput, answerRequest } from './answer.ts';
import { bodyHash, canonicalItems, itemsHash } from './canonical.ts';
import { applyAnswerRelay } from './cross/apply.ts';
import type { CrossDeps } from './cross/deps.ts';
import { receiveForward, submitCross } from './cross/forward.ts';
import { splitCustomerRef } from './cross/model.ts';
import type { RelayDispatcher } from './cross/relay.ts';
import type { RequestError } from './errors.ts';
import type { RequestEvents } from './events.ts';
import {
  PENDING_PAGE_MAX,
  type PurchaseRequest,
  type PurchaseRequestBody,
  REQUEST_TTL_SECONDS_MAX,
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
  /** Request-to-pay across operators; without it a reference to another operator is refused. */
  readonly cross?: CrossDeps;
  /** Sends answers to merchants' operators (cross-operator requests). */
  readonly relays?: RelayDispatcher;
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
  /** An answer proven some other way than her JWS (a passkey assertion). */
  answerWith(customer: Party, id: string, input: AnswerInput): Promise<PurchaseRequest | RequestError>;
  /** Customer's operator: a peer forwards a request for one of its customers. */
  receiveForward(jws: string): Promise<{ request: PurchaseRequest; created: boolean } | RequestError>;
  /** Merchant's operator: the customer's operator relays her answer. */
  receiveAnswer(jws: string): Promise<PurchaseRequest | RequestError>;
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
      // A merchant at another operator is not a party here, whatever its id.
      const isMerchant = row?.merchant_operator_id === null && row.merchant_id === caller.id;
      if (!row || (row.customer_id !== caller.id && !isMerchant)) return 'request_not_found';
      return toRequest(row, deps.clock());
    },
    answer: (customer, id, jws) => answer(deps, customer, id, jws),
    answerWith: (customer, id, input) => answerRequest(deps, customer, id, input),
    async receiveForward(jws) {
      const cross = deps.cross;
      return cross ? receiveForward({ ...deps, cross }, jws) : 'customer_operator_unknown';
    },
    async receiveAnswer(jws) {
      const cross = deps.cross;
      return cross ? applyAnswerRelay({ ...deps, cross }, jws) : 'request_not_found';
    },
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
  const ref = splitCustomerRef(body.customerRef);
  if (ref.operatorId !== undefined && ref.operatorId !== deps.operatorId) {
    if (!deps.cross) return 'customer_operator_unknown';
    return submitCross(
      { ...deps, cross: deps.cross },
      merchant,
      jws,
      body,
      { ...checked, bodySha256: hash },
      {
        alias: ref.alias,
        operatorId: ref.operatorId,
      },
    );
  }
  const alias = await resolveAlias(db, ref.alias);
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
  // The merchant asks in its own currency, this operator's; exchange applies only across operators.
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
  return answerRequest(deps, customer, id, {
    decision: body.decision,
    method: 'jws',
    evidence: jws,
    figures: body,
  });
}
