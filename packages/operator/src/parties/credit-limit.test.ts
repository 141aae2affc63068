import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator, type TestParty } from '../../test/support/operator.ts';

describe('credit limits as ledger money', () => {
  let op: TestOperator;
  let merchant: TestParty;
  beforeAll(async () => {
    op = await openTestOperator();
    merchant = await op.merchant();
  });
  afterAll(async () => {
    await op?.close();
  });

  const setLimit = (customerId: string, creditLimitMinor: string, requestId: string, as = 'admin') =>
    op.request('PUT', `/v1/customers/${customerId}/credit-limit`, {
      as,
      body: { creditLimitMinor, requestId },
    });
  const balance = async (accountId: string) =>
    (await op.request('GET', `/v1/accounts/${accountId}`, { as: 'admin' })).body.availableMinor;
  const spend = (customer: TestParty, amountMinor: bigint) =>
    op.ledger.createTransfers([
      {
        id: `spend-${customer.id}-${amountMinor}`,
        kind: 'single',
        debitAccountId: customer.accountId,
        creditAccountId: merchant.accountId,
        amountMinor,
        currency: 'EUR',
      },
    ]);

  it('raises and lowers the limit by moving the difference to and from the credit line', async () => {
    const customer = await op.customer({ creditLimitMinor: '1000' });
    const creditLine = op.operatorAccounts.creditLineAccountId;
    const lent = async () => {
      const [line] = await op.ledger.lookupAccounts([creditLine]);
      return (line?.debitsPostedMinor ?? 0n) - (line?.creditsPostedMinor ?? 0n);
    };
    const lentBefore = await lent();

    const raised = await setLimit(customer.id, '2500', 'raise-1');
    expect(raised.status).toBe(200);
    expect(raised.body).toEqual({
      customerId: customer.id,
      creditLimitMinor: '2500',
      previousCreditLimitMinor: '1000',
      transferId: `limit:${customer.id}:raise-1`,
      replayed: false,
    });
    expect(await balance(customer.accountId)).toBe('2500');

    const lowered = await setLimit(customer.id, '400', 'lower-1');
    expect(lowered.body).toMatchObject({ creditLimitMinor: '400', previousCreditLimitMinor: '2500' });
    expect(await balance(customer.accountId)).toBe('400');
    expect((await lent()) - lentBefore).toBe(400n - 1000n);

    const unchanged = await setLimit(customer.id, '400', 'same-1');
    expect(unchanged.body).toMatchObject({ transferId: null, previousCreditLimitMinor: '400' });
    expect((await op.request('GET', '/v1/me', { as: customer.apiKey })).body.creditLimitMinor).toBe('400');
  });

  it('is idempotent by requestId: the same request again returns the first answer, moving nothing', async () => {
    const customer = await op.customer({ creditLimitMinor: '100' });
    const first = await setLimit(customer.id, '300', 'once');
    const before = await op.snapshot();
    const again = await setLimit(customer.id, '300', 'once');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await op.snapshot()).toEqual(before);
    const reused = await setLimit(customer.id, '999', 'once');
    expect([reused.status, reused.body.error.code]).toEqual([409, 'request_id_reused']);
    expect(await op.snapshot()).toEqual(before);
  });

  it('refuses to lower the limit below what is already spent, and writes nothing', async () => {
    const customer = await op.customer({ creditLimitMinor: '1000' });
    await spend(customer, 700n);
    const before = await op.snapshot();
    const res = await setLimit(customer.id, '200', 'too-low');
    expect([res.status, res.body.error.code]).toEqual([409, 'credit_limit_below_spent']);
    expect(await op.snapshot()).toEqual(before);
    // 700 spent of 1000: the limit can come down to 700, taking back the 300 unspent.
    expect((await setLimit(customer.id, '700', 'just-enough')).status).toBe(200);
    expect(await balance(customer.accountId)).toBe('0');
  });

  it('refuses unknown customers, merchants and malformed input', async () => {
    const unknown = await setLimit('cus-aaaaaaaaaaaaaaaa', '1', 'r');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'customer_not_found']);
    const merchantId = merchant.id;
    const notCustomer = await setLimit(merchantId, '1', 'r');
    expect([notCustomer.status, notCustomer.body.error.code]).toEqual([404, 'customer_not_found']);
    const badId = await setLimit('bob', '1', 'r');
    expect([badId.status, badId.body.error.code]).toEqual([400, 'request_invalid']);
    const customer = await op.customer();
    const afterCustomer = await op.snapshot();
    for (const [limit, requestId, code] of [
      ['-1', 'r', 'request_invalid'],
      ['1e3', 'r', 'request_invalid'],
      ['9223372036854775808', 'r', 'amount_overflow'],
      ['1', 'has:colon', 'request_invalid'],
      ['1', '', 'request_invalid'],
    ] as const) {
      const res = await setLimit(customer.id, limit, requestId);
      expect([res.status, res.body.error.code], `${limit} ${requestId}`).toEqual([400, code]);
    }
    expect(await op.snapshot()).toEqual(afterCustomer);
  });

  it('serialises concurrent changes for one customer: the final limit is one of them and the books match', async () => {
    const customer = await op.customer({ creditLimitMinor: '0' });
    const limits = ['100', '700', '300', '900', '50'];
    const results = await Promise.all(limits.map((limit, i) => setLimit(customer.id, limit, `c-${i}`)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const me = await op.request('GET', '/v1/me', { as: customer.apiKey });
    expect(await balance(customer.accountId)).toBe(me.body.creditLimitMinor);
  });
});
