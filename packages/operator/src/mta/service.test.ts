import {
  type AmendedInitiationBody,
  ClearingMessage,
  generatePseudonym,
  generateSigningKey,
  InformationMessage,
  type KeyResolver,
  type SigningKey,
  signAmendedInitiation,
  signMerchantAck,
  verifyTyped,
} from '@tallystick/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/test-clock.ts';
import {
  openUnitOperator,
  operatorKey,
  staticDirectory,
  type UnitOperator,
} from '../../test/support/trading-unit.ts';
import type { LinkResult } from '../federation/link.ts';
import { createTableRateSource } from '../rates/table.ts';
import type { AmLink } from './am-link.ts';
import { createMtaService, type MtaService } from './service.ts';

const ENDPOINT = 'https://shop.example/tally';

describe('MTA service (op-b, EUR) for sessions from the AM op-a (SEK)', () => {
  const clock = createTestClock({ frozen: true });
  let op: UnitOperator;
  let am: Awaited<ReturnType<typeof operatorKey>>;
  let merchantId: string;
  let mta: MtaService;
  let sessionKey: SigningKey;
  let seq = 0;
  /** What the fake AM answers to the next deliveries; ok when empty. */
  let failures: LinkResult<never>[] = [];
  const delivered: string[] = [];

  const link: AmLink = {
    async deliverClearing(amOperatorId, clearing) {
      const failure = failures.shift();
      if (failure) return failure;
      delivered.push(clearing);
      expect(amOperatorId).toBe('op-a');
      return { ok: true, value: { transactionId: 'x', status: 'applied' } };
    },
  };

  beforeAll(async () => {
    op = await openUnitOperator('op-b', 'EUR', clock);
    am = await operatorKey('op-a');
    const merchantKey = await generateSigningKey();
    merchantId = (await op.merchant(ENDPOINT, merchantKey)).id;
    sessionKey = await generateSigningKey();
    const directory = staticDirectory(
      [
        { id: 'op-a', verification: am.verification },
        { id: 'op-b', verification: op.verification },
      ],
      ['op-a'],
    );
    mta = createMtaService({
      db: op.db,
      ledger: op.ledger,
      parties: op.parties,
      billing: op.billing,
      rates: createTableRateSource([{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n }]),
      directory,
      operatorId: 'op-b',
      key: op.key,
      replayGuard: op.replayGuard,
      am: link,
      clock: clock.now,
      fetch: fakeMerchant(merchantKey, () => merchantId, directory.resolveOperatorKey),
    });
  });
  afterAll(async () => {
    await op?.close();
  });
  beforeEach(() => {
    failures = [];
    delivered.length = 0;
  });

  function amended(
    overrides: Partial<AmendedInitiationBody> = {},
    signer: SigningKey = am.key,
    aud = 'op-b',
  ) {
    seq += 1;
    return signAmendedInitiation(
      signer,
      { iss: 'op-a', aud, nowMs: clock.now().getTime() },
      {
        transactionId: `op-a.1.${seq}`,
        depositMinor: 10_000n,
        currency: 'SEK',
        pseudonym: generatePseudonym(),
        merchantId,
        sessionKey: sessionKey.publicJwk as AmendedInitiationBody['sessionKey'],
        expiresAtMs: clock.now().getTime() + 10_000,
        customerOperatorId: 'op-a',
        offerId: 'offer:1',
        ...overrides,
      },
    );
  }

  const sessions = async () =>
    Number(
      (
        await op.db.kysely
          .selectFrom('mta_transactions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('registers a session once and answers a retry with the original ack', async () => {
    const jws = await amended();
    const first = await mta.registerTransaction(jws);
    expect(first).toEqual({ mtaAck: expect.any(String) });
    expect(await mta.registerTransaction(jws)).toEqual(first);
    expect(await mta.registerTransaction(await amended({ transactionId: `op-a.1.${seq}` }))).toBe(
      'transaction_exists',
    );
  });

  it.each([
    ['an expiry in the past', () => ({ expiresAtMs: clock.now().getTime() - 1 }), 'expiry_invalid'],
    [
      'an expiry too far ahead',
      () => ({ expiresAtMs: clock.now().getTime() + 2 * 86_400_000 }),
      'expiry_invalid',
    ],
    ['a deposit worth nothing in EUR', () => ({ depositMinor: 1n }), 'deposit_too_small'],
    ['a currency without a rate', () => ({ currency: 'USD' }), 'rate_unavailable'],
    ['an unknown merchant', () => ({ merchantId: 'mer-aaaaaaaaaaaaaaaa' }), 'merchant_not_found'],
    [
      'a session key with a foreign kid',
      () => ({ sessionKey: { ...sessionKey.publicJwk, kid: 'other' } as never }),
      'session_key_invalid',
    ],
  ])(
    'refuses %s and stores nothing',
    async (_name, overrides: () => Partial<AmendedInitiationBody>, code) => {
      const before = await sessions();
      expect(await mta.registerTransaction(await amended(overrides()))).toBe(code);
      expect(await sessions()).toBe(before);
    },
  );

  it('refuses an amended initiation for another MTA or under an unknown key', async () => {
    expect(await mta.registerTransaction(await amended({}, am.key, 'op-c'))).toBe('jws_wrong_audience');
    const stranger = await operatorKey('op-a');
    expect(await mta.registerTransaction(await amended({}, stranger.key))).toBe('jws_key_unknown');
  });

  it('clears an expired session with no records as nothing claimed, once, and delivers it', async () => {
    clock.advance(60_000); // earlier tests' sessions expire too
    await mta.clearDue(100);
    delivered.length = 0;
    const jws = await amended();
    await mta.registerTransaction(jws);
    expect(await mta.clearDue(100)).toBe(0);
    clock.advance(11_000);
    expect(await mta.clearDue(100)).toBe(1);
    expect(await mta.clearDue(100)).toBe(0);
    expect(delivered).toHaveLength(1);
    const { body, aud, iss } = await verifyTyped(delivered[0] ?? '', ClearingMessage, {
      resolveKey: async (kid) => (kid === op.key.kid ? { key: op.verification, issuer: 'op-b' } : undefined),
      audience: 'op-a',
      nowMs: clock.now().getTime(),
    });
    expect({ iss, aud }).toEqual({ iss: 'op-b', aud: 'op-a' });
    expect(body).toMatchObject({
      outcome: 'nothing_claimed',
      reason: 'records_missing',
      releasedCustomerMinor: 10_000n,
    });
  });

  it('keeps an undelivered clearing in the outbox and retries it with backoff until acknowledged', async () => {
    const down = { ok: false as const, status: 0, code: 'peer_unreachable', message: 'down' };
    failures = [down, down];
    await mta.registerTransaction(await amended());
    clock.advance(11_000);
    expect(await mta.clearDue(100)).toBe(1); // first attempt fails
    expect(await mta.deliverDue(10)).toBe(0); // not due yet
    clock.advance(500);
    expect(await mta.deliverDue(10)).toBe(0); // second attempt fails
    clock.advance(999);
    expect(await mta.deliverDue(10)).toBe(0); // backoff doubled: not due
    clock.advance(1);
    expect(await mta.deliverDue(10)).toBe(1);
    clock.advance(120_000);
    expect(await mta.deliverDue(10)).toBe(0);
    expect(delivered).toHaveLength(1);
    const row = await op.db.kysely
      .selectFrom('mta_outbox')
      .selectAll()
      .orderBy('next_attempt_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ attempts: 3, last_error: null, delivered_at: expect.any(Date) });
  });
});

/** The merchant's endpoint, in-process: checks the information message and acknowledges it. */
function fakeMerchant(
  merchantKey: SigningKey,
  merchantId: () => string,
  resolveKey: KeyResolver,
): typeof fetch {
  return async (url, init) => {
    expect(String(url)).toBe(ENDPOINT);
    const { information } = JSON.parse(String(init?.body));
    const { body, aud } = await verifyTyped(information, InformationMessage, {
      resolveKey,
      audience: merchantId(),
    });
    const merchantAck = await signMerchantAck(
      merchantKey,
      { iss: aud, aud: 'op-b' },
      {
        transactionId: body.transactionId,
        pseudonym: body.pseudonym,
        depositMinor: body.depositMinor,
        currency: body.currency,
      },
    );
    return new Response(JSON.stringify({ merchantAck }), { status: 200 });
  };
}
