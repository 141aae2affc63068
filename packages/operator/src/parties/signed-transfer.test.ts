import { generateSigningKey, type SigningKey, signMessage } from '@tallystick/protocol';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  openTestOperator,
  TEST_OPERATOR_ID,
  type TestOperator,
  type TestParty,
} from '../../test/support/operator.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('signed transfers: POST /v1/transfers', () => {
  let op: TestOperator;
  let alice: TestParty;
  let bob: TestParty;
  let shop: TestParty;
  let counter = 0;
  beforeAll(async () => {
    op = await openTestOperator();
    alice = await op.customer({ creditLimitMinor: '1000' });
    bob = await op.customer();
    shop = await op.merchant({ alg: 'EdDSA' });
  });
  afterAll(async () => {
    await op?.close();
  });

  const body = (overrides: object = {}) => ({
    transferId: `t-${++counter}`,
    fromAccountId: alice.accountId,
    toAccountId: shop.accountId,
    amountMinor: '100',
    currency: 'EUR',
    ...overrides,
  });
  const sign = (
    payload: unknown,
    options: { key?: SigningKey; iss?: string; aud?: string; mty?: string; nowMs?: number } = {},
  ) =>
    signMessage(options.key ?? alice.key, {
      mty: options.mty ?? 'tally.transfer',
      iss: options.iss ?? alice.id,
      aud: options.aud ?? TEST_OPERATOR_ID,
      body: payload,
      ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
    });
  const post = (jws: unknown, as: string = alice.apiKey) =>
    op.request('POST', '/v1/transfers', { as, body: { jws } });
  const available = async (party: TestParty) =>
    (await op.request('GET', `/v1/accounts/${party.accountId}`, { as: party.apiKey })).body.availableMinor;

  it('moves money from the caller to another party and answers with the transfer', async () => {
    const payload = body({ amountMinor: '250' });
    const res = await post(await sign(payload));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: `${alice.id}:${payload.transferId}`,
      debitAccountId: alice.accountId,
      creditAccountId: shop.accountId,
      amountMinor: '250',
      currency: 'EUR',
    });
    expect(await available(alice)).toBe('750');
    expect(await available(shop)).toBe('250');
  });

  it('is idempotent by transferId: a fresh signature of the same body returns the original with 200', async () => {
    const payload = body({ amountMinor: '10' });
    const first = await post(await sign(payload));
    const before = await op.snapshot();
    const retry = await post(await sign(payload));
    expect([retry.status, retry.body]).toEqual([200, first.body]);
    const changed = await post(await sign({ ...payload, amountMinor: '11' }));
    expect([changed.status, changed.body.error.code]).toEqual([409, 'exists_with_different_amount']);
    expect(await op.snapshot()).toEqual(before);
  });

  it('lets a merchant pay back a customer with its Ed25519 key', async () => {
    const res = await post(
      await sign(body({ fromAccountId: shop.accountId, toAccountId: alice.accountId, amountMinor: '5' }), {
        key: shop.key,
        iss: shop.id,
      }),
      shop.apiKey,
    );
    expect(res.status).toBe(201);
  });

  it('never overdraws under concurrency: of five 300s from 1000, exactly three go through', async () => {
    const payer = await op.customer({ creditLimitMinor: '1000' });
    const sends = Array.from({ length: 5 }, (_, i) =>
      signMessage(payer.key, {
        mty: 'tally.transfer',
        iss: payer.id,
        aud: TEST_OPERATOR_ID,
        body: body({ transferId: `race-${i}`, fromAccountId: payer.accountId, amountMinor: '300' }),
      }).then((jws) => post(jws, payer.apiKey)),
    );
    const results = await Promise.all(sends);
    const codes = results.map((r) => (r.status === 201 ? 'ok' : r.body.error.code)).sort();
    expect(codes).toEqual(['exceeds_credits', 'exceeds_credits', 'ok', 'ok', 'ok']);
    expect(await available(payer)).toBe('100');
  });

  describe('refuses, writing nothing', () => {
    let before: unknown;
    const refused = async (res: { status: number; body: Json }, status: number, code: string) => {
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect(res.body.error.message.length).toBeGreaterThan(5);
      expect(await op.snapshot()).toEqual(before);
    };
    beforeAll(async () => {
      before = await op.snapshot();
    });

    it('a replayed message', async () => {
      const jws = await sign(body({ amountMinor: '1' }));
      const first = await post(jws);
      expect(first.status).toBe(201);
      before = await op.snapshot();
      await refused(await post(jws), 409, 'jws_replayed');
    });

    it('a tampered payload', async () => {
      const [header, , signature] = (await sign(body())).split('.');
      const forged = b64url({
        mty: 'tally.transfer',
        iss: alice.id,
        aud: TEST_OPERATOR_ID,
        iat: Math.floor(Date.now() / 1000),
        jti: 'x',
        body: body({ amountMinor: '999' }),
      });
      await refused(await post(`${header}.${forged}.${signature}`), 401, 'jws_signature_invalid');
    });

    it('alg "none" and an HMAC signature keyed with the public key', async () => {
      const claims = {
        mty: 'tally.transfer',
        iss: alice.id,
        aud: TEST_OPERATOR_ID,
        iat: Math.floor(Date.now() / 1000),
        jti: 'n1',
        body: body(),
      };
      await refused(
        await post(`${b64url({ alg: 'none', kid: alice.key.kid })}.${b64url(claims)}.`),
        400,
        'jws_alg_not_allowed',
      );
      const hmac = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
        .setProtectedHeader({ alg: 'HS256', kid: alice.key.kid })
        .sign(new TextEncoder().encode(JSON.stringify(alice.key.publicJwk)));
      await refused(await post(hmac), 400, 'jws_alg_not_allowed');
    });

    it("another party's key, an unregistered key, or claiming another issuer", async () => {
      await refused(await post(await sign(body(), { key: bob.key })), 401, 'jws_key_unknown');
      await refused(
        await post(await sign(body(), { key: await generateSigningKey() })),
        401,
        'jws_key_unknown',
      );
      await refused(await post(await sign(body(), { iss: bob.id })), 401, 'jws_wrong_issuer');
      // Bob's own valid signature, sent with Alice's API key, is not Alice's message.
      const bobs = await sign(body({ fromAccountId: bob.accountId }), { key: bob.key, iss: bob.id });
      await refused(await post(bobs, alice.apiKey), 401, 'jws_key_unknown');
    });

    it('the wrong audience, type or time', async () => {
      await refused(await post(await sign(body(), { aud: 'other-op' })), 400, 'jws_wrong_audience');
      await refused(await post(await sign(body(), { mty: 'tally.initiation' })), 400, 'jws_wrong_type');
      await refused(await post(await sign(body(), { nowMs: Date.now() - 600_000 })), 400, 'jws_stale');
      await refused(await post(await sign(body(), { nowMs: Date.now() + 600_000 })), 400, 'jws_stale');
    });

    it('something that is not a JWS', async () => {
      await refused(await post('not.a.jws'), 400, 'jws_malformed');
      await refused(await post('abc'), 400, 'jws_malformed');
      await refused(await post(12), 400, 'request_invalid');
      await refused(await post(''), 400, 'request_invalid');
      await refused(
        await op.request('POST', '/v1/transfers', { as: alice.apiKey, body: {} }),
        400,
        'request_invalid',
      );
    });

    it('a signed body without the expected fields', async () => {
      await refused(await post(await sign({ ...body(), extra: 1 })), 400, 'transfer_body_invalid');
      await refused(await post(await sign({ amountMinor: '1' })), 400, 'transfer_body_invalid');
      await refused(await post(await sign('pay me')), 400, 'transfer_body_invalid');
      await refused(await post(await sign(body({ amountMinor: 100 }))), 400, 'transfer_body_invalid');
      await refused(await post(await sign(body({ amountMinor: '-100' }))), 400, 'transfer_body_invalid');
    });

    it('an account id with a NUL or control character (was a 500 from PostgreSQL)', async () => {
      for (const id of ['\u0000', 'mer-a\u0000b.EUR', 'cus-x\n.EUR', '']) {
        await refused(await post(await sign(body({ toAccountId: id }))), 400, 'transfer_body_invalid');
        await refused(await post(await sign(body({ fromAccountId: id }))), 400, 'transfer_body_invalid');
      }
    });

    it('bad amounts and currencies', async () => {
      await refused(await post(await sign(body({ amountMinor: '0' }))), 400, 'amount_must_not_be_zero');
      await refused(
        await post(await sign(body({ amountMinor: '9223372036854775808' }))),
        400,
        'amount_overflow',
      );
      await refused(await post(await sign(body({ amountMinor: '1000000' }))), 422, 'exceeds_credits');
      await refused(await post(await sign(body({ currency: 'XXX' }))), 400, 'currency_invalid');
      await refused(await post(await sign(body({ currency: 'USD' }))), 422, 'currency_mismatch');
    });

    it("debiting someone else's account or one that does not exist", async () => {
      await refused(await post(await sign(body({ fromAccountId: bob.accountId }))), 404, 'account_not_owned');
      await refused(
        await post(await sign(body({ fromAccountId: 'cus-aaaaaaaaaaaaaaaa.EUR' }))),
        404,
        'account_not_owned',
      );
      const operatorAccount = op.operatorAccounts.fundingAccountId;
      await refused(
        await post(await sign(body({ fromAccountId: operatorAccount }))),
        404,
        'account_not_owned',
      );
    });

    it("paying into the operator's own books, a missing account, or oneself", async () => {
      for (const toAccountId of [op.operatorAccounts.creditLineAccountId, 'mer-aaaaaaaaaaaaaaaa.EUR']) {
        await refused(await post(await sign(body({ toAccountId }))), 404, 'credit_account_not_found');
      }
      await refused(
        await post(await sign(body({ toAccountId: alice.accountId }))),
        400,
        'accounts_must_be_different',
      );
    });

    it('the admin token (transfers are signed by parties only)', async () => {
      await refused(await post(await sign(body()), 'admin'), 403, 'forbidden');
    });
  });
});
