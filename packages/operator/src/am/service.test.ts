import {
  AmendedInitiationMessage,
  type ClearingBody,
  decodeBody,
  generateSigningKey,
  type InitiationBody,
  SessionReadyMessage,
  type SigningKey,
  signClearing,
  signInitiation,
  signMtaAck,
  toMerchantDeposit,
  verifyTyped,
} from '@tallystick/protocol';
import { base64url } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestClock } from '../../test/support/test-clock.ts';
import type { PartyHandle } from '../../test/support/trading-node.ts';
import {
  openUnitOperator,
  operatorKey,
  staticDirectory,
  type UnitOperator,
} from '../../test/support/trading-unit.ts';
import type { LinkResult } from '../federation/link.ts';
import { AmLedgerIds, HOLD_GRACE_SECONDS } from './model.ts';
import type { MtaLink } from './mta-link.ts';
import { type AmService, createAmService } from './service.ts';

const RATE = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
type MtaMode = 'ack' | 'down' | 'rate_unavailable' | 'jws_key_unknown' | 'wrong_deposit';

describe('AM service (op-a, SEK) with the MTA op-b faked', () => {
  const clock = createTestClock({ frozen: true });
  let op: UnitOperator;
  let mtaKey: Awaited<ReturnType<typeof operatorKey>>;
  let otherKey: Awaited<ReturnType<typeof operatorKey>>;
  let am: AmService;
  let mode: MtaMode = 'ack';
  const amended: string[] = [];

  /** The MTA's answers, as the real one would give them (signed by op-b). */
  const link: MtaLink = {
    async registerTransaction(mtaOperatorId, jws) {
      expect(mtaOperatorId).toBe('op-b');
      amended.push(jws);
      const failure = (status: number, code: string): LinkResult<never> => ({
        ok: false,
        status,
        code,
        message: code,
      });
      if (mode === 'down') return failure(0, 'peer_unreachable');
      if (mode === 'rate_unavailable') return failure(422, 'rate_unavailable');
      if (mode === 'jws_key_unknown') return failure(401, 'jws_key_unknown');
      const body = decodeBody(AmendedInitiationMessage, claimsOf(jws).body);
      const depositMerchantMinor = toMerchantDeposit(body.depositMinor, RATE) as bigint;
      const mtaAck = await signMtaAck(
        mtaKey.key,
        { iss: 'op-b', aud: 'op-a', nowMs: clock.now().getTime() },
        {
          transactionId: body.transactionId,
          rate: RATE,
          depositCustomerMinor: body.depositMinor + (mode === 'wrong_deposit' ? 1n : 0n),
          customerCurrency: 'SEK',
          depositMerchantMinor: toMerchantDeposit(
            body.depositMinor + (mode === 'wrong_deposit' ? 1n : 0n),
            RATE,
          ) as bigint,
          merchantCurrency: 'EUR',
          expiresAtMs: body.expiresAtMs,
        },
      );
      expect(depositMerchantMinor).toBeGreaterThan(0n);
      return { ok: true, value: { mtaAck } };
    },
    async submitCustomerRecord() {
      return { ok: true, value: { status: 'recorded' } };
    },
  };

  beforeAll(async () => {
    op = await openUnitOperator('op-a', 'SEK', clock);
    mtaKey = await operatorKey('op-b');
    otherKey = await operatorKey('op-c');
    am = createAmService({
      db: op.db,
      ledger: op.ledger,
      parties: op.parties,
      billing: op.billing,
      directory: staticDirectory(
        [
          { id: 'op-a', verification: op.verification },
          { id: 'op-b', verification: mtaKey.verification },
          { id: 'op-c', verification: otherKey.verification },
        ],
        ['op-b', 'op-c'],
      ),
      operatorId: 'op-a',
      key: op.key,
      mta: link,
      clock: clock.now,
    });
  });
  afterAll(async () => {
    await op?.close();
  });
  beforeEach(() => {
    mode = 'ack';
  });

  async function initiation(
    customer: PartyHandle,
    overrides: Partial<InitiationBody> = {},
    sessionKey?: SigningKey,
  ) {
    return signInitiation(
      customer.key,
      { iss: customer.id, aud: 'op-a', nowMs: clock.now().getTime() },
      {
        purchaseCountExpected: 3,
        depositMinor: 10_000n,
        currency: 'SEK',
        merchantId: 'mer-bbbbbbbbbbbbbbbb',
        merchantOperatorId: 'op-b',
        timeoutSeconds: 60,
        sessionKey: (sessionKey ?? (await generateSigningKey())).publicJwk as InitiationBody['sessionKey'],
        offerId: 'offer:1',
        ...overrides,
      },
    );
  }

  /** A registered customer: its handle (keys) and the party the services take. */
  async function newCustomer(limitMinor: bigint) {
    const handle = await op.customer(limitMinor);
    const party = await op.parties.findParty(handle.id);
    if (!party) throw new Error('customer not found');
    return { ...handle, party };
  }

  async function opened(limitMinor = 50_000n, overrides: Partial<InitiationBody> = {}) {
    const customer = await newCustomer(limitMinor);
    const session = await am.openSession(customer.party);
    const answer = await am.initiate(customer.party, session.id, await initiation(customer, overrides));
    if (typeof answer === 'string') throw new Error(answer);
    return { customer, session, answer };
  }

  const held = async (customer: PartyHandle) => (await op.ledger.lookupAccounts([customer.accountId]))[0];

  function clearing(
    transactionId: string,
    clearedMerchantMinor: bigint,
    overrides: Partial<ClearingBody> = {},
  ): ClearingBody {
    const clearedCustomerMinor =
      clearedMerchantMinor === 0n ? 0n : (clearedMerchantMinor * 10_000n + 873n) / 874n;
    return {
      transactionId,
      outcome: clearedMerchantMinor === 0n ? 'nothing_claimed' : 'agreed',
      reason: clearedMerchantMinor === 0n ? 'records_missing' : 'records_match',
      voucherSeq: clearedMerchantMinor === 0n ? 0 : 1,
      rate: RATE,
      depositCustomerMinor: 10_000n,
      customerCurrency: 'SEK',
      depositMerchantMinor: 874n,
      merchantCurrency: 'EUR',
      clearedMerchantMinor,
      clearedCustomerMinor,
      releasedCustomerMinor: 10_000n - clearedCustomerMinor,
      feeMinor: 0n,
      ...overrides,
    };
  }
  const signed = (body: ClearingBody, signer = mtaKey.key, iss = 'op-b') =>
    signClearing(signer, { iss, aud: 'op-a', nowMs: clock.now().getTime() }, body);

  it('holds the deposit, tells the MTA a pseudonym only, and signs session ready for the customer', async () => {
    const { customer, session, answer } = await opened();
    expect(answer.transactionId).toBe(`${session.id}.1`);
    expect((await held(customer))?.debitsPendingMinor).toBe(10_000n);
    expect(JSON.stringify(claimsOf(amended.at(-1) ?? ''))).not.toContain(customer.id);
    const ready = await verifyTyped(answer.sessionReady, SessionReadyMessage, {
      resolveKey: async (kid) => (kid === op.key.kid ? { key: op.verification, issuer: 'op-a' } : undefined),
      audience: customer.id,
      nowMs: clock.now().getTime(),
    });
    expect(ready.body).toMatchObject({ depositMerchantMinor: 874n, merchantOperatorId: 'op-b' });
    expect(ready.body.pseudonym).toBe(claimsOf(amended.at(-1) ?? '').body.pseudonym);
  });

  it.each([
    ['down', 'mta_unreachable'],
    ['rate_unavailable', 'rate_unavailable'],
    ['jws_key_unknown', 'mta_refused'],
    ['wrong_deposit', 'mta_ack_invalid'],
  ] as const)(
    'voids the hold when the MTA answers %s, and gives a retry the same answer',
    async (m, code) => {
      const customer = await newCustomer(50_000n);
      const session = await am.openSession(customer.party);
      const jws = await initiation(customer);
      mode = m;
      expect(await am.initiate(customer.party, session.id, jws)).toBe(code);
      expect(await held(customer)).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 0n });
      mode = 'ack';
      expect(await am.initiate(customer.party, session.id, jws)).toBe(code);
      expect(await held(customer)).toMatchObject({ debitsPendingMinor: 0n });
    },
  );

  it('keeps sessions to their customer', async () => {
    const { session } = await opened();
    const stranger = await newCustomer(50_000n);
    expect(await am.initiate(stranger.party, session.id, await initiation(stranger))).toBe(
      'session_not_found',
    );
    expect(await am.initiate(stranger.party, 'op-a.999999', await initiation(stranger))).toBe(
      'session_not_found',
    );
  });

  it('applies a clearing once, and refuses other figures, another issuer or a mismatch', async () => {
    const { customer, answer } = await opened();
    const id = answer.transactionId;
    expect(await am.applyClearing(await signed(clearing(id, 355n, { reason: 'records_match' })))).toEqual({
      transactionId: id,
      status: 'applied',
    });
    const account = await held(customer);
    expect(account).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 4062n });
    expect(await am.applyClearing(await signed(clearing(id, 355n)))).toMatchObject({ status: 'applied' });
    expect(await held(customer)).toEqual(account);
    expect(await am.applyClearing(await signed(clearing(id, 100n)))).toBe('clearing_conflict');
    expect(await am.applyClearing(await signed(clearing(id, 355n), otherKey.key, 'op-c'))).toBe(
      'clearing_wrong_issuer',
    );
    const other = await opened();
    const tooBig = clearing(other.answer.transactionId, 0n, {
      depositCustomerMinor: 20_000n,
      depositMerchantMinor: 1748n,
      releasedCustomerMinor: 20_000n,
    });
    expect(await am.applyClearing(await signed(tooBig))).toBe('clearing_mismatch');
    expect(await am.applyClearing(await signed(clearing('op-a.999.1', 0n)))).toBe('transaction_not_found');
    expect(await op.billing.forTransaction(id)).toEqual([
      expect.objectContaining({ kind: 'withdrawal', partyId: customer.id, amountMinor: 4062n }),
    ]);
  });

  it('applies a clearing delivered several times at once exactly once', async () => {
    const { customer, answer } = await opened();
    const id = answer.transactionId;
    const jws = await signed(clearing(id, 355n));
    // On PostgreSQL these race for the row lock; the losers must find the clearing the winner stored.
    const receipts = await Promise.all([1, 2, 3, 4].map(() => am.applyClearing(jws)));
    expect(receipts).toEqual([1, 2, 3, 4].map(() => ({ transactionId: id, status: 'applied' })));
    expect(await held(customer)).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 4062n });
    expect(await op.billing.forTransaction(id)).toHaveLength(1);
    expect(await am.getTransaction(customer.party, id)).toMatchObject({
      transaction: { status: 'cleared' },
      clearing: { clearedCustomerMinor: 4062n, ledgerTransferId: AmLedgerIds.post(id) },
    });
  });

  it('charges directly when the hold expired before the clearing came, as far as the account allows', async () => {
    const { customer, session, answer } = await opened(12_000n, { timeoutSeconds: 10 });
    clock.advance((10 + HOLD_GRACE_SECONDS + 1) * 1000);
    expect(await am.applyClearing(await signed(clearing(answer.transactionId, 87n)))).toMatchObject({
      status: 'applied',
    });
    // ceil(87 / 0.0874) = 996
    expect(await held(customer)).toMatchObject({ debitsPendingMinor: 0n, debitsPostedMinor: 996n });
    // The clearing names the late charge, not the post it was stored with first (the hold was gone).
    expect(await am.getTransaction(customer.party, answer.transactionId)).toMatchObject({
      transaction: { status: 'cleared' },
      clearing: { ledgerTransferId: AmLedgerIds.late(answer.transactionId) },
    });

    const second = await am.initiate(
      customer.party,
      session.id,
      await initiation(customer, { timeoutSeconds: 10 }),
    );
    if (typeof second === 'string') throw new Error(second);
    clock.advance((10 + HOLD_GRACE_SECONDS + 1) * 1000);
    expect(await op.ledger.expirePendingTransfers(clock.now(), 100)).toBeGreaterThan(0); // the sweeper's pass
    // the customer's money is held again elsewhere: 11,004 left, 10,000 held by a third transaction
    const third = await am.initiate(customer.party, session.id, await initiation(customer));
    expect(third).toMatchObject({ sessionReady: expect.any(String) });
    expect(await am.applyClearing(await signed(clearing(second.transactionId, 874n)))).toBe(
      'hold_unavailable',
    );
    expect(await held(customer)).toMatchObject({ debitsPendingMinor: 10_000n, debitsPostedMinor: 996n });
  });
});

function claimsOf(jws: string) {
  return JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? '')));
}
