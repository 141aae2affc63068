import { generateSigningKey, MESSAGE_TYPES } from '@tallystick/protocol';
import { loadOrCreateOperatorKey } from '../../../src/federation/operator-key.ts';
import { interopAccountId } from '../../../src/mta/model.ts';
import { AFFIRMATION_MESSAGE_TYPE, PURCHASE_REQUEST_MESSAGE_TYPE } from '../../../src/requests/model.ts';
import {
  type Json,
  openTestOperator,
  TEST_CURRENCY,
  type TestOperator,
  type TestParty,
} from '../../support/operator.ts';
import {
  BAD_AMOUNT,
  BAD_CLIENT_ID,
  BAD_CURRENCY,
  BAD_INTEGER,
  BAD_JWK,
  BAD_POSITIVE_AMOUNT,
  BAD_STRING,
  BAD_TIMESTAMP,
  BAD_URL,
  NOT_A_STRING,
} from './bad-values.ts';
import type { JwsSpec } from './jws.ts';

export type Principal = 'admin' | 'customer' | 'merchant';

/** What the fuzzer knows of a route beyond its OpenAPI entry: who calls it and what a valid request is. */
export interface RouteKnowledge {
  readonly as?: Principal;
  /** Valid (existing, where it matters) values of the path parameters. */
  readonly params?: Readonly<Record<string, string>>;
  /** A valid query string, as name=value pairs; the sweep makes one of them bad at a time. */
  readonly query?: Readonly<Record<string, string>>;
  /** A valid body, each field's bad values (raw JSON text), refused one at a time. */
  readonly body?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /** Fields whose absence is valid: never removed as a mutation. */
  readonly optional?: readonly string[];
  /**
   * Tables this route writes even when it refuses, each justified where it is set.
   * Balances are still compared: whatever is recorded must leave every account as it was.
   */
  readonly recordsRefusals?: readonly string[];
  /** Body fields holding a compact JWS, with who signs them (unknown signer: generic JWS attacks only). */
  readonly jws?: Readonly<Record<string, JwsSpec | undefined>>;
}

export interface FuzzWorld {
  readonly op: TestOperator;
  readonly customer: TestParty;
  readonly merchant: TestParty;
  readonly keyOf: (p: Principal) => string;
  readonly known: Readonly<Record<string, RouteKnowledge>>;
}

export const OP_ID = 'test-op';

/** One node with a funded customer, a merchant, an open AM session and a pending purchase request. */
export async function openFuzzWorld(): Promise<FuzzWorld> {
  const op = await openTestOperator();
  const customer = await op.customer({ creditLimitMinor: '100000' });
  const merchant = await op.merchant();
  await op.fund(customer.accountId, '50000');
  const keyOf = (p: Principal) =>
    p === 'admin' ? op.adminToken : p === 'customer' ? customer.apiKey : merchant.apiKey;
  const call = async (method: 'GET' | 'POST', url: string, as: Principal, body?: unknown): Promise<Json> => {
    const res = await op.request(method, url, { as: keyOf(as), ...(body !== undefined ? { body } : {}) });
    if (res.status >= 300)
      throw new Error(`setup ${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const sessionId: string = (await call('POST', '/v1/am/sessions', 'customer', {})).sessionId;
  const alias: string = (await call('POST', '/v1/customer-aliases', 'customer')).alias;
  const purchaseBody = () => ({
    requestId: `fuzz-${crypto.randomUUID()}`,
    customerRef: alias,
    amountMinor: '4500',
    currency: TEST_CURRENCY,
    description: 'Fuzz tickets',
    items: [{ kind: 'goods', description: 'Programme', quantity: 1, unitPriceMinor: '4500' }],
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  const merchantSigns = (mty: string, body: JwsSpec['body']): JwsSpec => ({
    key: merchant.key,
    mty,
    iss: merchant.id,
    aud: OP_ID,
    body,
  });
  const pending: Json = await call('POST', '/v1/purchase-requests', 'merchant', {
    jws: await (async () => {
      const { signMessage } = await import('@tallystick/protocol');
      return signMessage(merchant.key, {
        mty: PURCHASE_REQUEST_MESSAGE_TYPE,
        iss: merchant.id,
        aud: OP_ID,
        body: purchaseBody(),
      });
    })(),
  });
  // Lazily created on first use, not by bad input: the PSD's keys (trust list) and the interop
  // account an initiation's hold credits (am/reservation.ts). Create them before any snapshot.
  await call('GET', '/v1/trust-list', 'customer');
  await op.ledger.createAccounts([
    {
      id: interopAccountId(OP_ID, OP_ID, TEST_CURRENCY),
      currency: TEST_CURRENCY,
      kind: 'operator_interop',
      flags: 0,
    },
  ]);
  const operatorKey = await loadOrCreateOperatorKey(op.db.kysely, OP_ID);
  const sessionKey = await generateSigningKey();
  const transactionId = `${OP_ID}.1.1`;

  const transferBody = () => ({
    transferId: `fuzz-${crypto.randomUUID()}`,
    fromAccountId: customer.accountId,
    toAccountId: merchant.accountId,
    amountMinor: '1',
    currency: TEST_CURRENCY,
  });
  const initiationBody = () => ({
    purchaseCountExpected: 10,
    depositMinor: '100',
    currency: TEST_CURRENCY,
    merchantId: merchant.id,
    merchantOperatorId: OP_ID,
    timeoutSeconds: 600,
    sessionKey: sessionKey.publicJwk,
    offerId: 'offer:articles',
  });
  const idField = [...BAD_CLIENT_ID];
  const known: Record<string, RouteKnowledge> = {
    'POST /v1/customers': {
      as: 'admin',
      body: async () => ({
        displayName: 'Fuzz customer',
        publicJwk: (await generateSigningKey()).publicJwk,
        creditLimitMinor: '100',
      }),
      fields: {
        displayName: [...NOT_A_STRING, '""', '"a\\u0000b"', JSON.stringify('n'.repeat(500))],
        publicJwk: BAD_JWK,
        creditLimitMinor: BAD_AMOUNT,
      },
      optional: ['creditLimitMinor'],
    },
    'POST /v1/merchants': {
      as: 'admin',
      body: async () => ({
        displayName: 'Fuzz merchant',
        publicJwk: (await generateSigningKey()).publicJwk,
        endpointUrl: 'https://shop.example/fuzz',
      }),
      fields: {
        displayName: [...NOT_A_STRING, '""', '"a\\u0000b"'],
        publicJwk: BAD_JWK,
        endpointUrl: BAD_URL,
      },
    },
    'PUT /v1/customers/{customerId}/credit-limit': {
      as: 'admin',
      params: { customerId: customer.id },
      body: () => ({ creditLimitMinor: '100001', requestId: `fuzz-${crypto.randomUUID()}` }),
      fields: { creditLimitMinor: BAD_AMOUNT, requestId: idField },
    },
    'GET /v1/accounts/{accountId}': { as: 'customer', params: { accountId: customer.accountId } },
    'GET /v1/accounts/{accountId}/transfers': {
      as: 'customer',
      params: { accountId: customer.accountId },
      query: { limit: '10' },
    },
    'GET /v1/admin/billing/export': { as: 'admin', query: { since: '2030-01-01T00:00:00Z', format: 'json' } },
    'POST /v1/admin/accounts/{accountId}/fund': {
      as: 'admin',
      params: { accountId: customer.accountId },
      body: () => ({
        transferId: `fuzz-${crypto.randomUUID()}`,
        amountMinor: '100',
        currency: TEST_CURRENCY,
      }),
      fields: { transferId: idField, amountMinor: BAD_POSITIVE_AMOUNT, currency: BAD_CURRENCY },
    },
    'POST /v1/transfers': {
      as: 'customer',
      body: () => ({ jws: 'set.by.jws' }),
      jws: {
        jws: {
          key: customer.key,
          mty: 'tally.transfer',
          iss: customer.id,
          aud: OP_ID,
          body: transferBody,
          fields: {
            transferId: idField,
            fromAccountId: [
              ...BAD_STRING,
              JSON.stringify(merchant.accountId),
              '"op.test-op.credit.EUR"',
              '"nope"',
            ],
            toAccountId: [...BAD_STRING, '"cus-aaaaaaaaaaaaaaaa.EUR"', JSON.stringify(customer.accountId)],
            amountMinor: [...BAD_POSITIVE_AMOUNT, '"99999999999"'],
            currency: BAD_CURRENCY,
          },
        },
      },
    },
    'POST /v1/am/sessions': { as: 'customer', body: () => ({}) },
    'POST /v1/am/sessions/{sessionId}/transactions': {
      as: 'customer',
      params: { sessionId },
      // A correctly signed initiation the MTA refuses (unknown merchant, which the AM cannot know
      // for another operator's MTA) is held first and then voided, by design (am/initiation.ts):
      // the failed transaction stays as the answer to a retry of the same JWS, with its hold and
      // void in the ledger. Balances are unchanged, and the snapshot still checks that.
      recordsRefusals: ['am_transactions', 'ledger_transfers'],
      body: () => ({ initiation: 'set.by.jws' }),
      jws: {
        initiation: {
          key: customer.key,
          mty: MESSAGE_TYPES.initiation,
          iss: customer.id,
          aud: OP_ID,
          body: initiationBody,
          fields: {
            purchaseCountExpected: BAD_INTEGER,
            depositMinor: [...BAD_POSITIVE_AMOUNT, '"99999999999"'],
            currency: BAD_CURRENCY,
            merchantId: [...BAD_STRING, '"mer-aaaaaaaaaaaaaaaa"', JSON.stringify(customer.id)],
            merchantOperatorId: [...BAD_STRING, '"nowhere"', '"../x"'],
            timeoutSeconds: BAD_INTEGER,
            sessionKey: BAD_JWK,
            offerId: BAD_STRING,
            hashChain: ['null', '1', '"x"', '{}', '{"root":"zz","length":-1}'],
          },
          optional: ['hashChain'],
        },
      },
    },
    'GET /v1/am/transactions/{transactionId}': { as: 'customer', params: { transactionId } },
    'POST /v1/am/transactions/{transactionId}/customer-record': {
      as: 'customer',
      params: { transactionId },
      body: () => ({ record: 'set.by.jws' }),
      jws: {
        record: {
          key: sessionKey,
          mty: MESSAGE_TYPES.customerRecord,
          iss: 'pseudonym',
          aud: OP_ID,
          txn: transactionId,
          body: () => ({}),
        },
      },
    },
    'POST /v1/am/clearing': {
      body: () => ({ clearing: 'set.by.jws' }),
      jws: {
        clearing: {
          key: operatorKey,
          mty: MESSAGE_TYPES.clearing,
          iss: OP_ID,
          aud: OP_ID,
          txn: transactionId,
          body: () => ({}),
        },
      },
    },
    'POST /v1/mta/transactions': {
      body: () => ({ amendedInitiation: 'set.by.jws' }),
      jws: {
        amendedInitiation: {
          key: operatorKey,
          mty: MESSAGE_TYPES.amendedInitiation,
          iss: OP_ID,
          aud: OP_ID,
          txn: transactionId,
          body: () => ({}),
        },
      },
    },
    'POST /v1/mta/transactions/{transactionId}/customer-record': {
      params: { transactionId },
      body: () => ({ record: 'set.by.jws' }),
      jws: {
        record: {
          key: sessionKey,
          mty: MESSAGE_TYPES.customerRecord,
          iss: 'pseudonym',
          aud: OP_ID,
          txn: transactionId,
          body: () => ({}),
        },
      },
    },
    'POST /v1/mta/transactions/{transactionId}/merchant-record': {
      as: 'merchant',
      params: { transactionId },
      body: () => ({ record: 'set.by.jws' }),
      jws: {
        record: { ...merchantSigns(MESSAGE_TYPES.merchantRecord, () => ({})), txn: transactionId },
      },
    },
    'GET /v1/mta/transactions/{transactionId}': { as: 'merchant', params: { transactionId } },
    'POST /v1/purchase-requests': {
      as: 'merchant',
      body: () => ({ jws: 'set.by.jws' }),
      jws: {
        jws: {
          ...merchantSigns(PURCHASE_REQUEST_MESSAGE_TYPE, purchaseBody),
          fields: {
            requestId: idField,
            customerRef: [...BAD_STRING, '"unknown-ref"'],
            amountMinor: BAD_POSITIVE_AMOUNT,
            currency: BAD_CURRENCY,
            description: [...NOT_A_STRING, JSON.stringify('d'.repeat(20_000))],
            items: [
              'null',
              '[]',
              '{}',
              '[null]',
              '[{}]',
              '[{"kind":"goods","quantity":-1}]',
              JSON.stringify(
                Array(2000).fill({ kind: 'goods', description: 'x', quantity: 1, unitPriceMinor: '1' }),
              ),
            ],
            expiresAt: BAD_TIMESTAMP,
          },
        },
      },
    },
    'GET /v1/purchase-requests/{id}': { as: 'customer', params: { id: pending.id } },
    'POST /v1/purchase-requests/{id}/answer': {
      as: 'customer',
      params: { id: pending.id },
      body: () => ({ jws: 'set.by.jws' }),
      jws: {
        jws: {
          key: customer.key,
          mty: AFFIRMATION_MESSAGE_TYPE,
          iss: customer.id,
          aud: OP_ID,
          body: () => ({
            requestId: pending.id,
            decision: 'affirm',
            amountMinor: pending.amountMinor,
            currency: pending.currency,
            merchantId: pending.merchantId,
            itemsHash: pending.itemsHash,
          }),
          fields: {
            requestId: [...BAD_STRING, '"other"'],
            decision: [...BAD_STRING, '"maybe"', '"AFFIRM"'],
            amountMinor: [...BAD_POSITIVE_AMOUNT, '"4499"', '"4501"'],
            currency: BAD_CURRENCY,
            merchantId: [...BAD_STRING, '"mer-aaaaaaaaaaaaaaaa"'],
            itemsHash: [...BAD_STRING, '"00"', `"${'0'.repeat(64)}"`],
          },
        },
      },
    },
    'GET /v1/purchase-requests/{id}/items': { as: 'customer', params: { id: pending.id } },
    'GET /v1/items/{itemId}/{format}': { as: 'customer', params: { itemId: 'item-none', format: 'qr.png' } },
    'POST /v1/tickets/check-in': {
      as: 'merchant',
      body: () => ({ indicium: 'HC1:NOTANINDICIUM' }),
      fields: {
        indicium: [
          ...BAD_STRING,
          '""',
          '"HC1:"',
          '"HC1:%%%%"',
          JSON.stringify('A'.repeat(4_296)),
          JSON.stringify('A'.repeat(4_297)),
        ],
      },
    },
    'POST /v1/shipments/{itemId}/status': {
      as: 'merchant',
      params: { itemId: 'item-none' },
      body: () => ({ status: 'shipped' }),
      fields: { status: [...BAD_STRING, '"lost"', '""'] },
    },
    'POST /v1/funding-instruments': {
      as: 'customer',
      body: () => ({ kind: 'card', number: '4111111111111111' }),
      fields: {
        kind: [...BAD_STRING, '"cash"'],
        number: [...NOT_A_STRING, '""', '"4111111111111112"', '"DE00 0000"', JSON.stringify('4'.repeat(65))],
      },
    },
  };
  return { op, customer, merchant, keyOf, known };
}
