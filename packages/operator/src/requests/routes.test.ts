import { signMessage } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InjectResult,
  openTestOperator,
  TEST_OPERATOR_ID,
  type TestOperator,
  type TestParty,
} from '../../test/support/operator.ts';
import { PURCHASE_REQUEST_MESSAGE_TYPE } from './model.ts';

/** Regressions from test/fuzz/http-bad-input.test.ts: a NUL reached PostgreSQL text and came back a 500. */
describe('purchase requests and their items: ids with control characters', () => {
  let op: TestOperator;
  let customer: TestParty;
  let merchant: TestParty;
  let before: unknown;
  beforeAll(async () => {
    op = await openTestOperator();
    customer = await op.customer({ creditLimitMinor: '10000' });
    merchant = await op.merchant();
    await op.request('GET', '/v1/trust-list'); // creates the PSD's keys, before the snapshot
    before = await op.snapshot();
  });
  afterAll(async () => {
    await op?.close();
  });

  const refused = async (res: InjectResult, status: number, code: string) => {
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
    expect(res.body.error.message.length).toBeGreaterThan(5);
    expect(await op.snapshot()).toEqual(before);
  };

  it('refuses a customerRef with a NUL in a signed purchase request as request_body_invalid', async () => {
    for (const customerRef of ['\u0000', 'ref-a\u0000b', 'ref\n']) {
      const jws = await signMessage(merchant.key, {
        mty: PURCHASE_REQUEST_MESSAGE_TYPE,
        iss: merchant.id,
        aud: TEST_OPERATOR_ID,
        body: {
          requestId: `order-${customerRef.length}`,
          customerRef,
          amountMinor: '100',
          currency: 'EUR',
          description: 'x',
          items: [{ kind: 'goods', description: 'x', quantity: 1, unitPriceMinor: '100' }],
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
      });
      const res = await op.request('POST', '/v1/purchase-requests', { as: merchant.apiKey, body: { jws } });
      await refused(res, 400, 'request_body_invalid');
    }
  });

  it.each([
    ['GET', '/v1/purchase-requests/a%00b'],
    ['GET', '/v1/purchase-requests/%00/items'],
    ['POST', '/v1/purchase-requests/prq-%00/answer'],
    ['GET', '/v1/items/a%00b/qr.png'],
    ['POST', '/v1/shipments/a%0Ab/status'],
  ] as const)('refuses %s %s as request_invalid, not 500', async (method, url) => {
    const as = url.startsWith('/v1/shipments') ? merchant.apiKey : customer.apiKey;
    const body = url.endsWith('/answer')
      ? { jws: 'a.b.c' }
      : url.endsWith('/status')
        ? { status: 'shipped' }
        : undefined;
    const res = await op.request(method, url, { as, ...(body ? { body } : {}) });
    await refused(res, 400, 'request_invalid');
  });
});
