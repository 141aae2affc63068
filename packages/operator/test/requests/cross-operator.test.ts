import {
  type SigningKey,
  signMessage,
  toCustomerCharge,
  trustResolver,
  verifyIndicium,
} from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTP_ANSWER_PATH } from '../../src/requests/cross/model.ts';
import {
  AFFIRMATION_MESSAGE_TYPE,
  PURCHASE_REQUEST_MESSAGE_TYPE,
  requestFee,
} from '../../src/requests/model.ts';
import { type CrossOperatorWorld, startCrossOperatorWorld } from '../support/cross-operator.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { PartyHandle, TradingNode } from '../support/trading-node.ts';

/** 1 SEK = 0.0874 EUR, as the fixture's op-b quotes it. */
const RATE = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
const items = [
  { kind: 'goods', description: 'Espresso machine', quantity: 1, unitPriceMinor: '4000' },
  { kind: 'service', description: 'Delivery', quantity: 1, unitPriceMinor: '501' },
];
const AMOUNT = 4501n;

describe('request-to-pay across operators: SEK customer at op-a, EUR merchant at op-b, over real HTTP', () => {
  const clock = createTestClock();
  let world: CrossOperatorWorld;
  let opA: TradingNode;
  let opB: TradingNode;
  let customer: PartyHandle;
  let ref: string;
  let aliasName: string;

  beforeAll(async () => {
    world = await startCrossOperatorWorld(clock);
    ({ opA, opB } = world);
    customer = await opA.customer(1_000_000n);
    const alias = await opA.request('POST', '/v1/customer-aliases', { apiKey: customer.apiKey });
    expect(alias.status).toBe(201);
    aliasName = alias.body.alias;
    ref = `${aliasName}@op-a`;
  });
  afterAll(async () => {
    await world?.close();
  });

  const submit = async (requestId: string, overrides: object = {}) => {
    const jws = await signMessage(world.shop.key as SigningKey, {
      mty: PURCHASE_REQUEST_MESSAGE_TYPE,
      iss: world.shop.id,
      aud: 'op-b',
      nowMs: clock.now().getTime(),
      body: {
        requestId,
        customerRef: ref,
        amountMinor: AMOUNT.toString(),
        currency: 'EUR',
        description: 'Kitchen order',
        items,
        expiresAt: new Date(clock.now().getTime() + 600_000).toISOString(),
        ...overrides,
      },
    });
    return opB.request('POST', '/v1/purchase-requests', { apiKey: world.shop.apiKey, body: { jws } });
  };

  // biome-ignore lint/suspicious/noExplicitAny: a request view as the customer's operator shows it
  const affirmation = (view: any, decision = 'affirm', overrides: object = {}) =>
    signMessage(customer.key, {
      mty: AFFIRMATION_MESSAGE_TYPE,
      iss: customer.id,
      aud: 'op-a',
      nowMs: clock.now().getTime(),
      body: {
        requestId: view.id,
        decision,
        amountMinor: view.amountMinor,
        currency: view.currency,
        merchantId: view.merchantId,
        itemsHash: view.itemsHash,
        chargeMinor: view.chargeMinor,
        chargeCurrency: view.chargeCurrency,
        ...overrides,
      },
    });

  const pendingAtA = async (id: string) => {
    const res = await opA.request('GET', '/v1/purchase-requests', { apiKey: customer.apiKey });
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: views
    return res.body.requests.find((r: any) => r.id === id);
  };

  const expectZeroSums = async () => {
    for (const node of [opA, opB])
      for (const sum of Object.values(await node.sums())) expect(sum).toEqual({ posted: 0n, pending: 0n });
  };

  it('forwards, shows her the charge in SEK, debits her at op-a, credits the merchant at op-b, and conserves', async () => {
    const charge = toCustomerCharge(AMOUNT, RATE) as bigint;
    expect(charge).toBe(51_499n); // ceil(4501 / 0.0874): rounded up, the operator's favour
    const fee = requestFee(AMOUNT);

    const transfersAtA = await opA.count('ledger_transfers');
    const expiresAt = new Date(clock.now().getTime() + 600_000).toISOString();
    const submitted = await submit('order-1', { expiresAt });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({
      status: 'pending',
      customerOperatorId: 'op-a',
      chargeMinor: charge.toString(),
      chargeCurrency: 'SEK',
    });
    const id = submitted.body.id;
    // A retry with the same request id is the same request, at both ends.
    const again = await submit('order-1', { expiresAt });
    expect([again.status, again.body.id]).toEqual([200, id]);
    expect(await opA.count('ledger_transfers')).toBe(transfersAtA);

    const view = await pendingAtA(id);
    expect(view).toMatchObject({
      merchantId: world.shop.id,
      merchantOperatorId: 'op-b',
      amountMinor: '4501',
      currency: 'EUR',
      chargeMinor: charge.toString(),
      chargeCurrency: 'SEK',
      status: 'pending',
    });

    // She must name what she pays in SEK: a wrong charge is refused and moves nothing.
    const wrong = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view, 'affirm', { chargeMinor: (charge - 1n).toString() }) },
    });
    expect([wrong.status, wrong.body.error?.code]).toEqual([409, 'affirmation_mismatch']);

    const jws = await affirmation(view);
    const before = await opA.posted(customer.accountId);
    const answered = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws },
    });
    expect([answered.status, answered.body.status]).toEqual([200, 'affirmed']);

    // Customer debit at op-a, interop at both, merchant credit (minus fee) at op-b.
    expect(await opA.posted(customer.accountId)).toBe(before - charge);
    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(charge);
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(-charge);
    expect(await opB.posted('op.op-b.liquidity.SEK')).toBe(charge);
    const shopAccount = (await opB.parties.findParty(world.shop.id))?.accountId ?? 'none';
    expect(await opB.posted(shopAccount)).toBe(AMOUNT - fee);
    expect(await opB.posted('op.op-b.rtp-fees.EUR')).toBe(fee);
    expect(await opB.posted('op.op-b.liquidity.EUR')).toBe(-AMOUNT);
    await expectZeroSums();

    const atB = await opB.request('GET', `/v1/purchase-requests/${id}`, { apiKey: world.shop.apiKey });
    expect(atB.body).toMatchObject({ status: 'affirmed', feeMinor: fee.toString(), transferId: `rtp:${id}` });
    // The merchant is told through the webhook outbox, once.
    const hooks = await opB.db.kysely
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('id', '=', `${id}.paid`)
      .execute();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.event_type).toBe('purchase_request.paid');
    expect(JSON.parse(hooks[0]?.payload ?? '{}')).toMatchObject({
      creditedMinor: (AMOUNT - fee).toString(),
      chargeMinor: charge.toString(),
    });

    // Replays at each hop move nothing: her JWS again, a new answer, the relay again.
    const replay = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws },
    });
    expect([replay.status, replay.body.error?.code]).toEqual([409, 'jws_replayed']);
    const second = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view, 'decline') },
    });
    expect([second.status, second.body.error?.code]).toEqual([409, 'request_already_answered']);
    const relay = await opA.db.kysely.selectFrom('rtp_peer_outbox').selectAll().executeTakeFirstOrThrow();
    expect(relay.delivered_at).not.toBeNull();
    const transfersAtB = await opB.count('ledger_transfers');
    const redelivered = await opB.request('POST', RTP_ANSWER_PATH, { body: { jws: relay.jws } });
    expect([redelivered.status, redelivered.body.status]).toEqual([200, 'affirmed']);
    expect(await opB.count('ledger_transfers')).toBe(transfersAtB);
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(-charge);

    // Settlement picks the request up like a trading-session clearing, and the books agree at both.
    for (const node of [opA, opB]) {
      for (const line of await node.trading.settlement.reconciliation())
        expect(line.differenceMinor).toBe(0n);
    }
    const batch = await opA.trading.settlement.run('op-b', 'SEK');
    if (!batch || typeof batch === 'string') throw new Error(`settlement run failed: ${String(batch)}`);
    expect(batch).toMatchObject({ status: 'settled', netMinor: -charge, itemCount: 1 });
    expect(await opA.posted('op.op-a.interop.op-b.SEK')).toBe(0n);
    expect(await opB.posted('op.op-b.interop.op-a.SEK')).toBe(0n);
    await expectZeroSums();
  });

  it('op-b issues the items for her, named by the pseudonym op-a relayed: they verify offline', async () => {
    const day = clock.now().toISOString().slice(0, 10);
    const ticket = {
      kind: 'ticket',
      description: 'Concert, stalls',
      quantity: 1,
      unitPriceMinor: '4501',
      entry: {
        event: 'Concert',
        seat: 'B7',
        validFrom: `${day}T00:00:00Z`,
        validUntil: new Date(Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000).toISOString(),
      },
    };
    const submitted = await submit('order-items', { items: [ticket] });
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;
    const view = await pendingAtA(id);
    const answered = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view) },
    });
    expect(answered.body.status).toBe('affirmed');

    const res = await opB.request('GET', `/v1/purchase-requests/${id}/items`, { apiKey: world.shop.apiKey });
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: item views
    const byKind = (k: string) => res.body.items.filter((i: any) => i.kind === k);
    expect([byKind('ticket'), byKind('indicium'), byKind('certificate')].map((l) => l.length)).toEqual([
      1, 1, 1,
    ]);
    const { pseudonym } = await opA.db.kysely
      .selectFrom('customer_aliases')
      .select('pseudonym')
      .where('alias', '=', aliasName)
      .executeTakeFirstOrThrow();
    const trust = (await opB.request('GET', '/v1/trust-list')).body;
    for (const item of [...byKind('ticket'), ...byKind('indicium'), ...byKind('certificate')]) {
      const verified = await verifyIndicium(item.indicium, {
        resolveKey: trustResolver(trust),
        text: item.text,
      });
      if (typeof verified === 'string') throw new Error(`${item.id} did not verify: ${verified}`);
      expect(verified.issuer).toBe('op-b');
      expect(verified.particulars).toMatchObject({
        transactionId: id,
        merchantId: world.shop.id,
        customer: pseudonym,
      });
    }
    // Customers are anonymous to merchants: her id is nowhere in what op-b issued or keeps.
    const rows = await opB.db.kysely
      .selectFrom('fulfilment_items')
      .selectAll()
      .where('request_id', '=', id)
      .execute();
    expect(rows.map((r) => [r.customer_id, r.customer_operator_id])).toEqual(rows.map(() => [null, 'op-a']));
    expect(JSON.stringify(res.body)).not.toContain(customer.id);
    const pay = byKind('indicium')[0];
    const flipped =
      pay.indicium.slice(0, 40) + (pay.indicium[40] === 'A' ? 'B' : 'A') + pay.indicium.slice(41);
    expect(typeof (await verifyIndicium(flipped, { resolveKey: trustResolver(trust) }))).toBe('string');

    const pdf = await fetch(`${opB.url}/v1/items/${pay.id}/receipt.pdf`, {
      headers: { authorization: `Bearer ${world.shop.apiKey}` },
    });
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const gate = (indicium: string) =>
      opB.request('POST', '/v1/tickets/check-in', { apiKey: world.shop.apiKey, body: { indicium } });
    expect((await gate(byKind('ticket')[0].indicium)).body.admitted).toBe(true);
    expect((await gate(byKind('ticket')[0].indicium)).body.error?.code).toBe('ticket_already_used');
    // Asking again issues nothing new; her own operator has nothing to issue and says so plainly.
    const again = await opB.request('GET', `/v1/purchase-requests/${id}/items`, {
      apiKey: world.shop.apiKey,
    });
    expect(again.body.items.map((i: { id: string }) => i.id)).toEqual(
      res.body.items.map((i: { id: string }) => i.id),
    );
    const atA = await opA.request('GET', `/v1/purchase-requests/${id}/items`, { apiKey: customer.apiKey });
    expect([atA.status, atA.body.items]).toEqual([200, []]);
  });

  it('a decline travels back to the merchant and moves no money', async () => {
    const transfers = [await opA.count('ledger_transfers'), await opB.count('ledger_transfers')];
    const submitted = await submit('order-declined');
    const view = await pendingAtA(submitted.body.id);
    const res = await opA.request('POST', `/v1/purchase-requests/${view.id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view, 'decline') },
    });
    expect([res.status, res.body.status]).toEqual([200, 'declined']);
    const atB = await opB.request('GET', `/v1/purchase-requests/${view.id}`, { apiKey: world.shop.apiKey });
    expect(atB.body.status).toBe('declined');
    expect([await opA.count('ledger_transfers'), await opB.count('ledger_transfers')]).toEqual(transfers);
  });

  it('an affirmation the merchant operator refuses for good is reversed at op-a: she gets her money back', async () => {
    const submitted = await submit('order-refused');
    const id = submitted.body.id;
    // op-b's copy already ran out (as if its clock were far ahead): it will refuse the answer, booking nothing.
    await opB.db.kysely
      .updateTable('purchase_requests')
      .set({ expires_at: new Date(clock.now().getTime() - 3_600_000) })
      .where('id', '=', id)
      .execute();
    const view = await pendingAtA(id);
    const before = await opA.posted(customer.accountId);
    const transfersAtB = await opB.count('ledger_transfers');
    const res = await opA.request('POST', `/v1/purchase-requests/${id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view) },
    });
    expect(res.status).toBe(200);
    const after = await opA.request('GET', `/v1/purchase-requests/${id}`, { apiKey: customer.apiKey });
    expect(after.body.status).toBe('reversed');
    expect(await opA.posted(customer.accountId)).toBe(before);
    expect(await opB.count('ledger_transfers')).toBe(transfersAtB);
    const relay = await opA.db.kysely
      .selectFrom('rtp_peer_outbox')
      .selectAll()
      .where('id', '=', `${id}.answer`)
      .executeTakeFirstOrThrow();
    expect([relay.delivered_at, relay.last_error]).toEqual([null, '409 request_expired']);
    expect(relay.failed_at).not.toBeNull();
    // Settlement does not count it: the interop account and the positions still agree.
    for (const node of [opA, opB]) {
      for (const line of await node.trading.settlement.reconciliation())
        expect(line.differenceMinor).toBe(0n);
    }
    await expectZeroSums();
  });

  it('refuses an unknown reference, an unknown operator, and an expired request, leaving nothing behind', async () => {
    const before = await opB.count('ledger_transfers');
    const unknown = await submit('order-unknown', { customerRef: 'ref-nobody@op-a' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'customer_ref_unknown']);
    const noPeer = await submit('order-nopeer', { customerRef: 'ref-x@op-z' });
    expect([noPeer.status, noPeer.body.error?.code]).toEqual([404, 'customer_operator_unknown']);
    const rows = await opB.db.kysely
      .selectFrom('purchase_requests')
      .select('merchant_request_id')
      .where('merchant_request_id', 'in', ['order-unknown', 'order-nopeer'])
      .execute();
    expect(rows).toEqual([]);

    const submitted = await submit('order-late', {
      expiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    const view = await pendingAtA(submitted.body.id);
    clock.advance(61_000);
    const late = await opA.request('POST', `/v1/purchase-requests/${view.id}/answer`, {
      apiKey: customer.apiKey,
      body: { jws: await affirmation(view) },
    });
    expect([late.status, late.body.error?.code]).toEqual([409, 'request_expired']);
    expect(await opB.count('ledger_transfers')).toBe(before);
  });
});
