import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator, type TestParty } from '../../test/support/operator.ts';

describe('funding (admin)', () => {
  let op: TestOperator;
  let customer: TestParty;
  beforeAll(async () => {
    op = await openTestOperator();
    customer = await op.customer();
  });
  afterAll(async () => {
    await op?.close();
  });

  const fund = (accountId: string, body: object) =>
    op.request('POST', `/v1/admin/accounts/${accountId}/fund`, { as: 'admin', body });

  it('moves money from the funding account and is idempotent by transferId', async () => {
    const body = { transferId: 'wire-2024-001', amountMinor: '12500', currency: 'EUR' };
    const first = await fund(customer.accountId, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: 'fund:wire-2024-001',
      kind: 'single',
      debitAccountId: op.operatorAccounts.fundingAccountId,
      creditAccountId: customer.accountId,
      amountMinor: '12500',
      currency: 'EUR',
      pendingId: null,
    });
    const before = await op.snapshot();
    const again = await fund(customer.accountId, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await op.snapshot()).toEqual(before);

    const otherAmount = await fund(customer.accountId, { ...body, amountMinor: '1' });
    expect([otherAmount.status, otherAmount.body.error.code]).toEqual([409, 'exists_with_different_amount']);
    const other = await op.customer();
    const otherAccount = await fund(other.accountId, body);
    expect([otherAccount.status, otherAccount.body.error.code]).toEqual([
      409,
      'exists_with_different_credit_account_id',
    ]);
    const balance = await op.request('GET', `/v1/accounts/${customer.accountId}`, { as: customer.apiKey });
    expect(balance.body).toMatchObject({ postedMinor: '12500', availableMinor: '12500', pendingMinor: '0' });
  });

  it('answers concurrent retries of one funding with one transfer: one 201, the rest 200', async () => {
    const target = await op.customer();
    const body = { transferId: 'wire-concurrent', amountMinor: '700', currency: 'EUR' };
    const results = await Promise.all(Array.from({ length: 6 }, () => fund(target.accountId, body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const [account] = await op.ledger.lookupAccounts([target.accountId]);
    expect(account?.creditsPostedMinor).toBe(700n);
  });

  it.each([
    ['a zero amount', { amountMinor: '0' }, 400, 'amount_must_not_be_zero'],
    ['a negative amount', { amountMinor: '-100' }, 400, 'request_invalid'],
    ['a fractional amount', { amountMinor: '10.50' }, 400, 'request_invalid'],
    ['a leading zero', { amountMinor: '0100' }, 400, 'request_invalid'],
    ['a number, not a string', { amountMinor: 100 }, 400, 'request_invalid'],
    ['2^63', { amountMinor: '9223372036854775808' }, 400, 'amount_overflow'],
    ['a 40-digit amount', { amountMinor: '9'.repeat(40) }, 400, 'amount_overflow'],
    ['a 41-digit amount', { amountMinor: '9'.repeat(41) }, 400, 'request_invalid'],
    ['an unknown currency', { currency: 'XXX' }, 400, 'currency_invalid'],
    ['a lowercase currency', { currency: 'eur' }, 400, 'request_invalid'],
    ['another currency', { currency: 'USD' }, 422, 'currency_mismatch'],
    ['a missing transferId', { transferId: undefined }, 400, 'request_invalid'],
    ['a scoped transferId', { transferId: 'fund:x' }, 400, 'request_invalid'],
    ['an extra field', { debitAccountId: 'x' }, 400, 'request_invalid'],
    ['a null body field', { amountMinor: null }, 400, 'request_invalid'],
  ])('refuses %s with %i %s and writes nothing', async (_name, override, status, code) => {
    const before = await op.snapshot();
    const res = await fund(customer.accountId, {
      transferId: `bad-${Math.random().toString(36).slice(2)}`,
      amountMinor: '100',
      currency: 'EUR',
      ...override,
    });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    expect(await op.snapshot()).toEqual(before);
  });

  it('refuses unknown accounts and the operator’s own accounts with 404, writing nothing', async () => {
    const before = await op.snapshot();
    for (const accountId of [
      'cus-aaaaaaaaaaaaaaaa.EUR',
      op.operatorAccounts.creditLineAccountId,
      op.operatorAccounts.fundingAccountId,
    ]) {
      const res = await fund(accountId, { transferId: 'nowhere', amountMinor: '5', currency: 'EUR' });
      expect([res.status, res.body.error.code], accountId).toEqual([404, 'account_not_found']);
    }
    expect(await op.snapshot()).toEqual(before);
  });
});

describe('accounts: balances, statements and object-level authorisation', () => {
  let op: TestOperator;
  let alice: TestParty;
  let bob: TestParty;
  beforeAll(async () => {
    op = await openTestOperator();
    alice = await op.customer({ creditLimitMinor: '1000' });
    bob = await op.customer();
    for (let i = 0; i < 5; i++) await op.fund(alice.accountId, String(100 + i));
  });
  afterAll(async () => {
    await op?.close();
  });

  it('shows a party its own account with balances as strings', async () => {
    const res = await op.request('GET', `/v1/accounts/${alice.accountId}`, { as: alice.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accountId: alice.accountId,
      currency: 'EUR',
      kind: 'customer',
      ownerId: alice.id,
      postedMinor: '1510',
      pendingMinor: '0',
      availableMinor: '1510',
      debitsPostedMinor: '0',
      creditsPostedMinor: '1510',
      debitsPendingMinor: '0',
      creditsPendingMinor: '0',
      createdAt: expect.any(String),
    });
  });

  it("answers someone else's account exactly like a missing one: 404 account_not_found", async () => {
    for (const url of [`/v1/accounts/${alice.accountId}`, `/v1/accounts/${alice.accountId}/transfers`]) {
      const theirs = await op.request('GET', url, { as: bob.apiKey });
      const missing = await op.request('GET', url.replace(alice.id, 'cus-aaaaaaaaaaaaaaaa'), {
        as: bob.apiKey,
      });
      expect([theirs.status, theirs.body.error]).toEqual([404, missing.body.error]);
      expect(theirs.body.error.code).toBe('account_not_found');
    }
    const operators = await op.request('GET', `/v1/accounts/${op.operatorAccounts.creditLineAccountId}`, {
      as: bob.apiKey,
    });
    expect(operators.status).toBe(404);
  });

  it("lets the admin see any account, including the operator's own books", async () => {
    const res = await op.request('GET', `/v1/accounts/${op.operatorAccounts.fundingAccountId}`, {
      as: 'admin',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'operator_funding', ownerId: null, postedMinor: '-510' });
    const missing = await op.request('GET', '/v1/accounts/nothing-here', { as: 'admin' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'account_not_found']);
  });

  it('pages through transfers newest first with limit and before', async () => {
    const url = `/v1/accounts/${alice.accountId}/transfers`;
    const first = await op.request('GET', `${url}?limit=4`, { as: alice.apiKey });
    expect(first.status).toBe(200);
    expect(first.body.transfers.map((t: { amountMinor: string }) => t.amountMinor)).toEqual([
      '104',
      '103',
      '102',
      '101',
    ]);
    const second = await op.request('GET', `${url}?limit=4&before=${first.body.nextBefore}`, {
      as: alice.apiKey,
    });
    expect(second.body.transfers.map((t: { amountMinor: string }) => t.amountMinor)).toEqual(['100', '1000']);
    expect(second.body.nextBefore).toBeNull();
    const all = await op.request('GET', url, { as: 'admin' });
    expect(all.body.transfers).toHaveLength(6);
  });

  it.each([
    ['limit=0'],
    ['limit=201'],
    ['limit=abc'],
    ['before=-1'],
    ['before=0'],
    ['before=99999999999999999999'],
    // 19 digits match the pattern but not a bigint: these were a 500 from the database.
    ['before=9223372036854775808'],
    ['before=9999999999999999999'],
    ['other=1'],
  ])('refuses a bad query %s with 400 request_invalid', async (query) => {
    const res = await op.request('GET', `/v1/accounts/${alice.accountId}/transfers?${query}`, {
      as: alice.apiKey,
    });
    expect([res.status, res.body.error.code]).toEqual([400, 'request_invalid']);
  });
});
