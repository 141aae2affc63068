import { generateSigningKey } from '@tallystick/protocol';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator } from '../../test/support/operator.ts';

describe('registering customers and merchants', () => {
  let op: TestOperator;
  beforeAll(async () => {
    op = await openTestOperator();
  });
  afterAll(async () => {
    await op?.close();
  });

  it('registers a customer with a credit limit held as ledger money', async () => {
    const key = await generateSigningKey();
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: '  Alice  ', publicJwk: key.publicJwk, creditLimitMinor: '5000' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      customerId: expect.stringMatching(/^cus-[a-z2-7]{16}$/),
      accountId: `${res.body.customerId}.EUR`,
      keyId: key.kid,
      apiKey: expect.stringMatching(new RegExp(`^tsk_${res.body.customerId}_[A-Za-z0-9_-]{43}$`)),
    });
    const [account, creditLine] = await op.ledger.lookupAccounts([
      res.body.accountId,
      op.operatorAccounts.creditLineAccountId,
    ]);
    expect(account).toMatchObject({
      kind: 'customer',
      flags: 1,
      creditsPostedMinor: 5000n,
      debitsPostedMinor: 0n,
    });
    expect(creditLine?.debitsPostedMinor).toBeGreaterThanOrEqual(5000n);

    const me = await op.request('GET', '/v1/me', { as: res.body.apiKey });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      partyId: res.body.customerId,
      kind: 'customer',
      displayName: 'Alice',
      currency: 'EUR',
      creditLimitMinor: '5000',
      endpointUrl: null,
      keys: [{ keyId: key.kid, alg: 'ES256', publicJwk: { kty: 'EC', crv: 'P-256', x: key.publicJwk.x } }],
    });
    expect(JSON.stringify(me.body)).not.toContain(res.body.apiKey);
  });

  it('stores only a hash of the API key', async () => {
    const customer = await op.customer();
    const row = await op.db.kysely
      .selectFrom('parties')
      .selectAll()
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow();
    const secret = customer.apiKey.slice(`tsk_${customer.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(secret);
    expect(row.api_key_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('registers a merchant with an Ed25519 key and an https endpoint', async () => {
    const key = await generateSigningKey('EdDSA');
    const res = await op.request('POST', '/v1/merchants', {
      as: 'admin',
      body: { displayName: 'Shop', publicJwk: key.publicJwk, endpointUrl: 'https://shop.example/tally' },
    });
    expect(res.status).toBe(201);
    expect(res.body.merchantId).toMatch(/^mer-/);
    const me = await op.request('GET', '/v1/me', { as: res.body.apiKey });
    expect(me.body).toMatchObject({
      kind: 'merchant',
      endpointUrl: 'https://shop.example/tally',
      creditLimitMinor: '0',
    });
    const [account] = await op.ledger.lookupAccounts([res.body.accountId]);
    expect(account).toMatchObject({ kind: 'merchant', flags: 1 });
  });

  it.each([
    ['http://localhost:8080/hook', true],
    ['http://127.0.0.1/hook', true],
    ['http://[::1]:9000/', true],
    ['http://shop.example/hook', false],
    ['http://10.0.0.1/hook', false],
    ['ftp://shop.example/', false],
    ['https://user:pw@shop.example/', false],
    ['https://shop.example/#frag', false],
    ['not a url', false],
    ['javascript:alert(1)', false],
  ])('merchant endpoint %s accepted: %s', async (endpointUrl, accepted) => {
    const key = await generateSigningKey();
    const before = await op.snapshot();
    const res = await op.request('POST', '/v1/merchants', {
      as: 'admin',
      body: { displayName: 'Shop', publicJwk: key.publicJwk, endpointUrl },
    });
    if (accepted) {
      expect(res.status).toBe(201);
    } else {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('endpoint_url_invalid');
      expect(await op.snapshot()).toEqual(before);
    }
  });

  it('accepts a public key as WebCrypto exports it (ext, key_ops) and stores only the public members', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    expect(publicJwk).toMatchObject({ ext: true, key_ops: ['verify'] });
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: 'Web', publicJwk },
    });
    expect(res.status).toBe(201);
    const me = await op.request('GET', '/v1/me', { as: res.body.apiKey });
    expect(Object.keys(me.body.keys[0].publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'x', 'y']);
  });

  it('refuses private keys, other key types, bad points and mismatched algorithms, writing nothing', async () => {
    const ec = await generateSigningKey();
    const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey);
    const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey);
    const ecPrivate = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const cases: [unknown, string][] = [
      [ecPrivate, 'public_key_private'],
      [rsa, 'request_invalid'], // no crv/x: the schema refuses it first
      [{ ...rsa, crv: 'P-256', x: 'AAAA' }, 'public_key_unsupported'],
      [p384, 'public_key_unsupported'],
      [{ kty: 'oct', crv: 'P-256', x: 'AAAA', k: 'c2VjcmV0' }, 'public_key_private'],
      [{ ...ec.publicJwk, alg: 'ES384' }, 'public_key_unsupported'],
      [{ ...ec.publicJwk, use: 'enc' }, 'public_key_unsupported'],
      [{ ...ec.publicJwk, key_ops: ['encrypt'] }, 'public_key_unsupported'],
      [{ ...ec.publicJwk, x: 'AAAA' }, 'public_key_invalid'],
      [{ ...ec.publicJwk, y: ec.publicJwk.x }, 'public_key_invalid'],
      [{ kty: 'OKP', crv: 'X25519', x: ec.publicJwk.x }, 'public_key_unsupported'],
    ];
    const before = await op.snapshot();
    for (const [publicJwk, code] of cases) {
      const res = await op.request('POST', '/v1/customers', {
        as: 'admin',
        body: { displayName: 'K', publicJwk },
      });
      expect([res.status, res.body.error?.code], JSON.stringify(publicJwk)).toEqual([400, code]);
    }
    expect(await op.snapshot()).toEqual(before);
  });

  it('refuses a key already registered to another party', async () => {
    const customer = await op.customer();
    const before = await op.snapshot();
    const res = await op.request('POST', '/v1/merchants', {
      as: 'admin',
      body: { displayName: 'Copycat', publicJwk: customer.key.publicJwk, endpointUrl: 'https://x.example/' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('public_key_in_use');
    expect(await op.snapshot()).toEqual(before);
  });

  it('lets exactly one of two concurrent registrations of one key win', async () => {
    const key = await generateSigningKey();
    const register = () =>
      op.request('POST', '/v1/customers', {
        as: 'admin',
        body: { displayName: 'Twin', publicJwk: key.publicJwk },
      });
    const results = await Promise.all([register(), register(), register()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual([
      'public_key_in_use',
      'public_key_in_use',
    ]);
  });

  it.each([
    [{ displayName: '   ' }, 400, 'display_name_invalid'],
    [{ displayName: 'a\u0007b' }, 400, 'display_name_invalid'],
    [{ displayName: '' }, 400, 'request_invalid'],
    [{ creditLimitMinor: '-1' }, 400, 'request_invalid'],
    [{ creditLimitMinor: '1.5' }, 400, 'request_invalid'],
    [{ creditLimitMinor: 100 }, 400, 'request_invalid'],
    [{ creditLimitMinor: '9223372036854775808' }, 400, 'amount_overflow'],
    [{ creditLimitMinor: '123456789012345678901234567890' }, 400, 'amount_overflow'],
    [{ publicJwk: 'not an object' }, 400, 'request_invalid'],
    [{ publicJwk: null }, 400, 'request_invalid'],
  ])('refuses a bad customer %j with %i %s and writes nothing', async (override, status, code) => {
    const key = await generateSigningKey();
    const before = await op.snapshot();
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: 'Bob', publicJwk: key.publicJwk, ...override },
    });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
    expect(await op.snapshot()).toEqual(before);
  });

  it('rolls back the whole registration when the initial credit cannot be granted', async () => {
    // The credit line may only be debited up to 2^63 - 1 in total; after one maximal grant, the next overflows.
    const key1 = await generateSigningKey();
    await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: 'Max', publicJwk: key1.publicJwk, creditLimitMinor: '9223372036854775807' },
    });
    const key2 = await generateSigningKey();
    const before = await op.snapshot();
    const res = await op.request('POST', '/v1/customers', {
      as: 'admin',
      body: { displayName: 'Over', publicJwk: key2.publicJwk, creditLimitMinor: '9223372036854775807' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('overflows_debits');
    expect(await op.snapshot()).toEqual(before);
  });
});

describe('authentication and authorisation', () => {
  let op: TestOperator;
  beforeAll(async () => {
    op = await openTestOperator();
  });
  afterAll(async () => {
    await op?.close();
  });

  it.each([
    ['no header', undefined],
    ['a wrong admin token', `Bearer ${'z'.repeat(47)}`],
    ['a wrong API key for a real party', 'WRONG_KEY_FOR_PARTY'],
    ['an unknown party', 'Bearer tsk_cus-aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['another scheme', 'Basic YWRtaW46YWRtaW4='],
    ['an empty bearer', 'Bearer '],
  ])('answers %s with 401 unauthenticated', async (_name, header) => {
    const customer = await op.customer();
    const authorization =
      header === 'WRONG_KEY_FOR_PARTY' ? `Bearer ${customer.apiKey.slice(0, -4)}AAAA` : header;
    for (const [method, url] of [
      ['GET', '/v1/me'],
      ['POST', '/v1/customers'],
      ['GET', `/v1/accounts/${customer.accountId}`],
    ] as const) {
      const res = await op.request(method, url, {
        ...(authorization ? { headers: { authorization } } : {}),
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect([res.status, res.body.error.code], `${method} ${url}`).toEqual([401, 'unauthenticated']);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tallystick"');
    }
  });

  it('authenticates before reading the body: an anonymous malformed body is 401, not 400', async () => {
    const res = await op.request('POST', '/v1/customers', { body: '{nope' });
    expect(res.status).toBe(401);
  });

  it('forbids a party on admin routes and the admin on party routes', async () => {
    const customer = await op.customer();
    const asParty = await op.request('POST', '/v1/customers', { as: customer.apiKey, body: {} });
    expect([asParty.status, asParty.body.error.code]).toEqual([403, 'forbidden']);
    const fund = await op.request('POST', `/v1/admin/accounts/${customer.accountId}/fund`, {
      as: customer.apiKey,
      body: { transferId: 'self-help', amountMinor: '100', currency: 'EUR' },
    });
    expect([fund.status, fund.body.error.code]).toEqual([403, 'forbidden']);
    const limit = await op.request('PUT', `/v1/customers/${customer.id}/credit-limit`, {
      as: customer.apiKey,
      body: { creditLimitMinor: '1000000', requestId: 'r' },
    });
    expect(limit.status).toBe(403);
    const me = await op.request('GET', '/v1/me', { as: 'admin' });
    expect([me.status, me.body.error.code]).toEqual([403, 'forbidden']);
    const [account] = await op.ledger.lookupAccounts([customer.accountId]);
    expect(account?.creditsPostedMinor).toBe(0n);
  });
});
