import {
  generateSigningKey,
  importVerificationKey,
  type SigningKey,
  signMessage,
  trustResolver,
  verifyIndicium,
} from '@tallystick/protocol';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAdminToken } from '../../src/config/admin-token.ts';
import type { Database } from '../../src/db/database.ts';
import { buildOperator, type Operator } from '../../src/node.ts';
import { AFFIRMATION_MESSAGE_TYPE, PURCHASE_REQUEST_MESSAGE_TYPE } from '../../src/requests/model.ts';
import { receiveWebhook } from '../../src/webhooks/receiver.ts';
import { createWebhookDispatcher } from '../../src/webhooks/worker.ts';
import { dumpForScan, scannedLogStream, TEST_CARD_NUMBERS, TEST_CARDS } from '../support/card-scan.ts';
import { openTestDatabase } from '../support/database.ts';
import type { Json } from '../support/operator.ts';

const OP = 'rtp-op';
const CARD = TEST_CARDS.visa;
let now = new Date('2030-01-01T10:00:00Z');
const clock = () => now;
const logs: string[] = [];
let db: Database;
let op: Operator;
let adminToken: string;

async function call(
  method: 'GET' | 'POST',
  url: string,
  as?: string,
  body?: unknown,
): Promise<{ status: number; body: Json; raw: Buffer }> {
  const res = await op.app.inject({
    method,
    url,
    headers: {
      ...(as ? { authorization: `Bearer ${as}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, body: parsed, raw: res.rawPayload };
}

async function register(
  kind: 'customers' | 'merchants',
  extra: object,
): Promise<{ id: string; apiKey: string; key: SigningKey; accountId: string }> {
  const key = await generateSigningKey();
  const res = await call('POST', `/v1/${kind}`, adminToken, {
    displayName: kind,
    publicJwk: key.publicJwk,
    ...extra,
  });
  expect(res.status).toBe(201);
  return {
    id: res.body.customerId ?? res.body.merchantId,
    apiKey: res.body.apiKey,
    key,
    accountId: res.body.accountId,
  };
}

let customer: Awaited<ReturnType<typeof register>>;
let merchant: Awaited<ReturnType<typeof register>>;
let alias: string;

beforeAll(async () => {
  db = await openTestDatabase();
  adminToken = generateAdminToken();
  op = await buildOperator({
    config: { operatorId: OP, currency: 'EUR', logLevel: 'info' },
    db,
    adminToken,
    clock,
    logStream: scannedLogStream('request-to-pay', logs),
  });
  customer = await register('customers', { creditLimitMinor: '100000' });
  merchant = await register('merchants', { endpointUrl: 'https://shop.example/tally' });
  alias = (await call('POST', '/v1/customer-aliases', customer.apiKey)).body.alias;
});
afterAll(async () => {
  await op?.app.close();
  await db?.close();
});

const items = [
  {
    kind: 'ticket',
    description: 'Concert, stalls',
    quantity: 2,
    unitPriceMinor: '2000',
    entry: {
      event: 'Tally Live',
      seat: 'A12',
      gate: '3',
      validFrom: '2030-01-01T00:00:00Z',
      validUntil: '2030-01-02T00:00:00Z',
    },
  },
  { kind: 'goods', description: 'Programme', quantity: 1, unitPriceMinor: '500' },
];

function purchaseRequest(requestId: string, overrides: object = {}) {
  return signMessage(merchant.key, {
    mty: PURCHASE_REQUEST_MESSAGE_TYPE,
    iss: merchant.id,
    aud: OP,
    nowMs: now.getTime(),
    body: {
      requestId,
      customerRef: alias,
      amountMinor: '4500',
      currency: 'EUR',
      description: 'Tally Live tickets',
      items,
      expiresAt: new Date(now.getTime() + 600_000).toISOString(),
      ...overrides,
    },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: a request view
function affirmation(request: any, decision = 'affirm') {
  return signMessage(customer.key, {
    mty: AFFIRMATION_MESSAGE_TYPE,
    iss: customer.id,
    aud: OP,
    nowMs: now.getTime(),
    body: {
      requestId: request.id,
      decision,
      amountMinor: request.amountMinor,
      currency: request.currency,
      merchantId: request.merchantId,
      itemsHash: request.itemsHash,
    },
  });
}

describe('request to pay', () => {
  let request: { id: string; [k: string]: unknown };

  it('takes a signed purchase request idempotently', async () => {
    const jws = await purchaseRequest('order-1');
    const first = await call('POST', '/v1/purchase-requests', merchant.apiKey, { jws });
    expect(first.status).toBe(201);
    request = first.body;
    const again = await call('POST', '/v1/purchase-requests', merchant.apiKey, { jws });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(request.id);
    const other = await call('POST', '/v1/purchase-requests', merchant.apiKey, {
      jws: await purchaseRequest('order-1', { description: 'other' }),
    });
    expect(other.body.error.code).toBe('request_id_reused');
    const pending = await call('GET', '/v1/purchase-requests', customer.apiKey);
    expect(pending.body.requests.map((r: { id: string }) => r.id)).toEqual([request.id]);
  });

  it('affirms once: transfer with fee, a replay and a second answer are refused', async () => {
    const jws = await affirmation(request);
    const affirmed = await call('POST', `/v1/purchase-requests/${request.id}/answer`, customer.apiKey, {
      jws,
    });
    expect(affirmed.status).toBe(200);
    expect(affirmed.body.status).toBe('affirmed');
    expect(affirmed.body.feeMinor).toBe('78'); // 10 + ceil(4500 * 1.5%)
    const replay = await call('POST', `/v1/purchase-requests/${request.id}/answer`, customer.apiKey, { jws });
    expect(replay.body.error.code).toBe('jws_replayed');
    const second = await call('POST', `/v1/purchase-requests/${request.id}/answer`, customer.apiKey, {
      jws: await affirmation(request, 'decline'),
    });
    expect(second.body.error.code).toBe('request_already_answered');
    const [account] = await op.ledger.lookupAccounts([merchant.accountId]);
    expect(account?.creditsPostedMinor).toBe(4422n);
  });

  it('refuses an expired request', async () => {
    const created = await call('POST', '/v1/purchase-requests', merchant.apiKey, {
      jws: await purchaseRequest('order-2', { expiresAt: new Date(now.getTime() + 60_000).toISOString() }),
    });
    const jws = await affirmation(created.body);
    now = new Date(now.getTime() + 120_000);
    const late = await call('POST', `/v1/purchase-requests/${created.body.id}/answer`, customer.apiKey, {
      jws,
    });
    expect(late.body.error.code).toBe('request_expired');
  });

  it('issues tickets that admit once, and indicia that verify offline', async () => {
    const res = await call('GET', `/v1/purchase-requests/${request.id}/items`, customer.apiKey);
    // biome-ignore lint/suspicious/noExplicitAny: item views
    const byKind = (k: string) => res.body.items.filter((i: any) => i.kind === k);
    expect(byKind('ticket')).toHaveLength(2);
    expect(byKind('shipment')).toHaveLength(1);
    const trust = (await call('GET', '/v1/trust-list')).body;
    for (const item of [...byKind('ticket'), ...byKind('indicium'), ...byKind('certificate')]) {
      const verified = await verifyIndicium(item.indicium, {
        resolveKey: trustResolver(trust),
        text: item.text,
      });
      expect(typeof verified).toBe('object');
    }
    const ticket = byKind('ticket')[0];
    const first = await call('POST', '/v1/tickets/check-in', merchant.apiKey, { indicium: ticket.indicium });
    expect(first.body.admitted).toBe(true);
    const second = await call('POST', '/v1/tickets/check-in', merchant.apiKey, { indicium: ticket.indicium });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ticket_already_used');
    const pay = byKind('indicium')[0];
    const pdf = await call('GET', `/v1/items/${pay.id}/receipt.pdf`, customer.apiKey);
    expect(pdf.raw.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.raw.toString('latin1')).toContain(pay.indicium.slice(0, 40));
    const qr = await call('GET', `/v1/items/${pay.id}/qr.png`, customer.apiKey);
    expect(qr.raw.subarray(1, 4).toString()).toBe('PNG');
    const dm = await call('GET', `/v1/items/${pay.id}/datamatrix.png`, customer.apiKey);
    expect(dm.raw.subarray(1, 4).toString()).toBe('PNG');
  });

  it('delivers the webhook until it lands, with exactly one effect at the merchant', async () => {
    const applied = new Set<string>();
    let effects = 0;
    let attempts = 0;
    const trust = (await call('GET', '/v1/trust-list')).body;
    const resolve = trustResolver(trust);
    const dispatcher = createWebhookDispatcher({
      db: db.kysely,
      operatorId: OP,
      signer: () => op.requestToPay.psd.signer('webhook'),
      clock,
      allowPrivateTargets: false,
      resolve: async () => ['93.184.216.34'],
      fetch: async (_url, init) => {
        attempts++;
        if (attempts <= 2) return { status: 503 }; // receiver down
        const result = await receiveWebhook(init.body, {
          merchantId: merchant.id,
          nowMs: now.getTime(),
          resolveKey: async (kid) => {
            const found = await resolve(kid);
            return found && { key: found.key, issuer: found.issuer };
          },
          applyOnce: async (event) => {
            if (applied.has(event.id)) return false;
            applied.add(event.id);
            effects++;
            return true;
          },
        });
        // Third attempt: the effect is applied but the answer is lost on the way back.
        return attempts === 3 ? { status: 502 } : { status: result.status };
      },
    });
    for (let round = 0; round < 8; round++) {
      await dispatcher.deliverDue();
      now = new Date(now.getTime() + 3_600_000);
    }
    const row = await db.kysely
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('id', '=', `${request.id}.paid`)
      .executeTakeFirstOrThrow();
    expect(row.delivered_at).not.toBeNull();
    expect(row.attempts).toBe(4);
    expect(effects).toBe(1);
  });

  it('refuses loopback and private webhook targets unless the development flag allows them', async () => {
    await db.kysely
      .insertInto('webhook_outbox')
      .values({
        id: 'loop-1',
        merchant_id: merchant.id,
        url: 'http://127.0.0.1:9/hook',
        event_type: 'test',
        payload: '{}',
        next_attempt_at: now,
      })
      .execute();
    await db.kysely
      .insertInto('webhook_outbox')
      .values({
        id: 'loop-2',
        merchant_id: merchant.id,
        url: 'http://internal.example/hook',
        event_type: 'test',
        payload: '{}',
        next_attempt_at: now,
      })
      .execute();
    const sent: string[] = [];
    const strict = createWebhookDispatcher({
      db: db.kysely,
      operatorId: OP,
      signer: () => op.requestToPay.psd.signer('webhook'),
      clock,
      allowPrivateTargets: false,
      resolve: async () => ['10.1.2.3'],
      fetch: async (url) => {
        sent.push(url);
        return { status: 200 };
      },
    });
    await strict.deliverDue();
    const rows = await db.kysely
      .selectFrom('webhook_outbox')
      .select(['id', 'last_error', 'failed_at'])
      .where('id', 'in', ['loop-1', 'loop-2'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.last_error)).toEqual(['webhook_target_private', 'webhook_target_private']);
    expect(sent).toEqual([]);
    await db.kysely
      .insertInto('webhook_outbox')
      .values({
        id: 'loop-3',
        merchant_id: merchant.id,
        url: 'http://127.0.0.1:9/hook',
        event_type: 'test',
        payload: '{}',
        next_attempt_at: now,
      })
      .execute();
    const dev = createWebhookDispatcher({
      db: db.kysely,
      operatorId: OP,
      signer: () => op.requestToPay.psd.signer('webhook'),
      clock,
      allowPrivateTargets: true,
      fetch: async (url) => {
        sent.push(url);
        return { status: 200 };
      },
    });
    await dev.deliverDue();
    expect(sent).toEqual(['http://127.0.0.1:9/hook']);
  });

  it('stores funding instruments encrypted and shows them masked; no full card number anywhere', async () => {
    const bad = await call('POST', '/v1/funding-instruments', customer.apiKey, {
      kind: 'card',
      number: '4111111111111112',
    });
    expect(bad.body.error.code).toBe('instrument_invalid');
    const card = await call('POST', '/v1/funding-instruments', customer.apiKey, {
      kind: 'card',
      number: CARD,
    });
    expect(card.body.masked).toBe('411111******1111');
    const second = await call('POST', '/v1/funding-instruments', customer.apiKey, {
      kind: 'card',
      number: TEST_CARDS.mastercard,
    });
    expect(second.body.masked).toBe('555555******4444');
    const iban = await call('POST', '/v1/funding-instruments', merchant.apiKey, {
      kind: 'iban',
      number: 'DE89 3704 0044 0532 0130 00',
    });
    expect(iban.body.masked).toBe('DE89**************3000');
    expect(await op.requestToPay.funding.reveal(customer.id, card.body.id)).toBe(CARD);
    const listed = await call('GET', '/v1/funding-instruments', customer.apiKey);
    expect(JSON.stringify(listed.body)).not.toContain(CARD);
    const dump = await dumpForScan(db, 'request-to-pay');
    expect(dump).toContain('411111******1111');
    for (const number of TEST_CARD_NUMBERS) expect(dump).not.toContain(number);
    expect(logs.length).toBeGreaterThan(0);
    for (const number of TEST_CARD_NUMBERS) expect(logs.join('\n')).not.toContain(number);
  });
});

describe('trust list keys', () => {
  it('publishes the operator PSD keys with operator-bound kids', async () => {
    const trust = (await call('GET', '/v1/trust-list')).body;
    const own = trust.keys.filter((k: { role: string }) => k.role === 'operator');
    expect(own).toHaveLength(2);
    for (const k of own) {
      expect(k.kid.startsWith(`${OP}:`)).toBe(true);
      await importVerificationKey(k.publicJwk as JWK);
    }
  });
});
