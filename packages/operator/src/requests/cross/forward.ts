import { checkRate, type Rate, signMessage, toCustomerCharge } from '@tallystick/protocol';
import { Compile } from 'typebox/compile';
import { postToPeer } from '../../federation/client.ts';
import type { Party } from '../../parties/model.ts';
import { resolveAlias } from '../aliases.ts';
import { canonicalItems, itemsHash, sha256Hex } from '../canonical.ts';
import type { RequestError } from '../errors.ts';
import { type PurchaseRequest, type PurchaseRequestBody, REQUEST_TTL_SECONDS_MAX } from '../model.ts';
import { findRequestRow, rateToText, toRequest } from '../repository.ts';
import type { RequestsDeps } from '../service.ts';
import type { CrossDeps } from './deps.ts';
import { crossRequestId, ForwardBody, RTP_FORWARD_MESSAGE_TYPE, RTP_FORWARD_PATH } from './model.ts';
import { peerCurrency } from './peer-currency.ts';
import { readPeerMessage } from './verify.ts';

const checkForward = Compile(ForwardBody);
type Submitted = { request: PurchaseRequest; created: boolean };

/**
 * Merchant's operator (acting as MTA): the customer is at `peerId`. Quote the
 * rate customer currency -> merchant currency, charge rounded up (the
 * operator never loses on rounding, DESIGN §4), sign the forward with the
 * operator key, and store the request only once the customer's operator took
 * it, so a refused forward leaves nothing here.
 */
export async function submitCross(
  deps: RequestsDeps & { cross: CrossDeps },
  merchant: Party,
  jws: string,
  body: PurchaseRequestBody,
  checked: { amountMinor: bigint; expiresAt: Date; bodySha256: string },
  ref: { alias: string; operatorId: string },
): Promise<Submitted | RequestError> {
  const peer = deps.cross.directory.peer(ref.operatorId);
  if (!peer) return 'customer_operator_unknown';
  const chargeCurrency = await peerCurrency(peer, deps.cross.fetch);
  if (!chargeCurrency) return 'peer_unreachable';
  const now = deps.clock();
  const rate: Rate | undefined =
    chargeCurrency === deps.currency
      ? { base: chargeCurrency, quote: chargeCurrency, numerator: 1n, denominator: 1n }
      : deps.cross.rates.rate(chargeCurrency, deps.currency, now);
  if (!rate || rate.base !== chargeCurrency || rate.quote !== deps.currency) return 'rate_unavailable';
  const chargeMinor = toCustomerCharge(checked.amountMinor, rate);
  if (chargeMinor === 'amount_overflow') return chargeMinor;
  const id = crossRequestId(deps.operatorId, merchant.id, body.requestId);
  const items = canonicalItems(body.items);
  const forward: ForwardBody = {
    requestId: id,
    merchantId: merchant.id,
    merchantRequestId: body.requestId,
    customerRef: ref.alias,
    amountMinor: body.amountMinor,
    currency: body.currency,
    chargeMinor: chargeMinor.toString(),
    chargeCurrency,
    rate: {
      base: rate.base,
      quote: rate.quote,
      numerator: rate.numerator.toString(),
      denominator: rate.denominator.toString(),
    },
    description: body.description,
    items,
    itemsHash: itemsHash(items),
    expiresAt: checked.expiresAt.toISOString(),
  };
  const forwardJws = await signMessage(deps.cross.key, {
    mty: RTP_FORWARD_MESSAGE_TYPE,
    iss: deps.operatorId,
    aud: peer.id,
    txn: id,
    nowMs: now.getTime(),
    body: forward,
  });
  const answer = await postToPeer(
    peer,
    RTP_FORWARD_PATH,
    { jws: forwardJws },
    deps.cross.fetch ? { fetch: deps.cross.fetch } : {},
  );
  if (!answer.ok) {
    if (answer.code === 'customer_ref_unknown') return 'customer_ref_unknown';
    return answer.status === 0 || answer.status >= 500 ? 'peer_unreachable' : 'peer_refused';
  }
  const db = deps.db.kysely;
  const inserted = await db
    .insertInto('purchase_requests')
    .values({
      id,
      merchant_id: merchant.id,
      merchant_request_id: body.requestId,
      customer_id: null,
      customer_ref: body.customerRef,
      amount_minor: checked.amountMinor,
      currency: body.currency,
      description: body.description,
      items: JSON.stringify(items),
      items_hash: forward.itemsHash,
      body_sha256: checked.bodySha256,
      expires_at: checked.expiresAt,
      status: 'pending',
      request_jws: jws,
      customer_operator_id: peer.id,
      charge_minor: chargeMinor,
      charge_currency: chargeCurrency,
      rate: rateToText(rate),
      forward_jws: forwardJws,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { request: toRequest(inserted, now), created: true };
  const existing = await findRequestRow(db, id);
  if (!existing) throw new Error(`assertion: ${id} conflicted but is not there`);
  return existing.body_sha256 === checked.bodySha256
    ? { request: toRequest(existing, now), created: false }
    : 'request_id_reused';
}

/** The forward's identity at the customer's operator: everything the merchant's operator vouched for. */
function forwardHash(body: ForwardBody): string {
  return sha256Hex(
    JSON.stringify([
      body.requestId,
      body.merchantId,
      body.merchantRequestId,
      body.customerRef,
      body.amountMinor,
      body.currency,
      body.chargeMinor,
      body.chargeCurrency,
      rateToText(rateFromWire(body.rate)),
      body.description,
      canonicalItems(body.items),
      body.itemsHash,
      new Date(body.expiresAt).toISOString(),
    ]),
  );
}

function rateFromWire(r: ForwardBody['rate']): Rate {
  return { base: r.base, quote: r.quote, numerator: BigInt(r.numerator), denominator: BigInt(r.denominator) };
}

/**
 * Customer's operator (acting as AM): a peer forwards a request for one of
 * its customers. Checked against what this operator can recompute (items
 * sum, items hash, the charge at the quoted rate rounded up), then shown to
 * the customer like a local request. Idempotent by the request id.
 */
export async function receiveForward(
  deps: RequestsDeps & { cross: CrossDeps },
  jws: string,
): Promise<Submitted | RequestError> {
  const read = await readPeerMessage<ForwardBody>(
    { directory: deps.cross.directory, operatorId: deps.operatorId, clock: deps.clock },
    jws,
    RTP_FORWARD_MESSAGE_TYPE,
    checkForward,
    'forward_invalid',
  );
  if (typeof read === 'string') return read;
  const { issuer, body } = read;
  const now = deps.clock();
  const checked = checkForwardFigures(body, deps.currency, now);
  if (typeof checked === 'string') return checked;
  const hash = forwardHash(body);
  const db = deps.db.kysely;
  const existing = await findRequestRow(db, body.requestId);
  if (existing) {
    return existing.merchant_operator_id === issuer && existing.body_sha256 === hash
      ? { request: toRequest(existing, now), created: false }
      : 'request_id_reused';
  }
  const alias = await resolveAlias(db, body.customerRef);
  if (!alias) return 'customer_ref_unknown';
  const inserted = await db
    .insertInto('purchase_requests')
    .values({
      id: body.requestId,
      merchant_id: body.merchantId,
      merchant_request_id: body.merchantRequestId,
      customer_id: alias.customer_id,
      customer_ref: body.customerRef,
      amount_minor: checked.amountMinor,
      currency: body.currency,
      description: body.description,
      items: JSON.stringify(canonicalItems(body.items)),
      items_hash: body.itemsHash,
      body_sha256: hash,
      expires_at: checked.expiresAt,
      status: 'pending',
      request_jws: jws,
      merchant_operator_id: issuer,
      charge_minor: checked.chargeMinor,
      charge_currency: body.chargeCurrency,
      rate: rateToText(checked.rate),
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) return receiveForward(deps, jws); // lost a race with the same forward: answer as a retry
  deps.events.publish(alias.customer_id, inserted.id);
  return { request: toRequest(inserted, now), created: true };
}

function checkForwardFigures(
  body: ForwardBody,
  currency: string,
  now: Date,
): { amountMinor: bigint; chargeMinor: bigint; rate: Rate; expiresAt: Date } | RequestError {
  if (body.chargeCurrency !== currency) return 'request_currency_unsupported';
  const rate = rateFromWire(body.rate);
  if (rate.base !== body.chargeCurrency || rate.quote !== body.currency || checkRate(rate) !== undefined)
    return 'forward_invalid';
  const amountMinor = BigInt(body.amountMinor);
  const sum = body.items.reduce((total, i) => total + BigInt(i.unitPriceMinor) * BigInt(i.quantity), 0n);
  if (sum !== amountMinor) return 'request_amount_mismatch';
  if (itemsHash(body.items) !== body.itemsHash) return 'forward_invalid';
  const chargeMinor = BigInt(body.chargeMinor);
  if (toCustomerCharge(amountMinor, rate) !== chargeMinor) return 'forward_charge_mismatch';
  const expiresAt = new Date(body.expiresAt);
  const ttlMs = expiresAt.getTime() - now.getTime();
  if (!(ttlMs > 0 && ttlMs <= REQUEST_TTL_SECONDS_MAX * 1000)) return 'request_expiry_invalid';
  return { amountMinor, chargeMinor, rate, expiresAt };
}
