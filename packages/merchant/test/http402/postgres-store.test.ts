import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaywall, paywallFetch } from '../../src/index.ts';
import { openPostgresStore, type TestStore } from '../support/stores.ts';
import {
  offerOf,
  type PaywallFixture,
  paid,
  paymentHeader,
  paywallFixture,
  receiptOf,
  requiredOf,
} from './support.ts';

/*
 * The paywall on the PostgreSQL merchant store (PGlite, or a fresh database
 * on TEST_DATABASE_URL): vouchers are charged with the store's
 * compare-and-swap after the handler, also when two processes share it.
 */
let db: TestStore;
let f: PaywallFixture;
beforeAll(async () => {
  db = await openPostgresStore();
  f = await paywallFixture(undefined, db.store);
});
afterAll(() => db?.close());

describe(`paywall on the PostgreSQL store (${process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('charges concurrent vouchers in seq order, and nothing for a failed handler', async () => {
    const s = await f.openSession({ depositMinor: 10_000n });
    const news = await offerOf(f, '/news/1', 'tally-voucher');
    const headers: string[] = [];
    for (let i = 0; i < 8; i++)
      headers.push(paymentHeader(news, { voucher: await s.wallet.pay(20n, 'GET /news/:id') }));
    const responses = await Promise.all([...headers].reverse().map((h) => f.serve(paid('/news/1', h))));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const fail = await offerOf(f, '/fail', 'tally-voucher', { method: 'POST' });
    const failed = await f.serve(
      paid('/fail', paymentHeader(fail, { voucher: await s.wallet.pay(10n, 'POST /fail') }), {
        method: 'POST',
      }),
    );
    expect(failed.status).toBe(500);
    expect(await db.store.getSession(s.transactionId)).toMatchObject({ seq: 8, cumulativeMinor: 160n });
    expect(await db.store.listVouchers(s.transactionId)).toHaveLength(8);
  });

  it('two processes serving one seq: one is charged, the other answers a 402 instead of the resource', async () => {
    const s = await f.openSession();
    const other = createPaywall(f.merchant, {
      currency: 'EUR',
      offerId: 'articles',
      routes: {
        'GET /weather': { price: { amountMinor: 50n, currency: 'EUR' }, description: 'Weather now' },
      },
    });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Both handlers hold until both payments are reserved, so both settle against seq 0.
    const slow = async () => {
      await gate;
      return Response.json({ temperature: 21 });
    };
    const serveA = paywallFetch(f.paywall, slow);
    const serveB = paywallFetch(other, slow);
    const offer = await offerOf(f, '/weather', 'tally-voucher');
    const [a, b] = await Promise.all([
      s.wallet.candidate(50n, 'GET /weather'),
      s.wallet.candidate(50n, 'GET /weather'),
    ]);
    const pending = [
      serveA(paid('/weather', paymentHeader(offer, { voucher: a }))),
      serveB(paid('/weather', paymentHeader(offer, { voucher: b }))),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const [ra, rb] = await Promise.all(pending);
    const statuses = [ra?.status, rb?.status].sort();
    expect(statuses).toEqual([200, 402]);
    const refused = ra?.status === 402 ? ra : rb;
    expect(requiredOf(refused as Response).error).toBe('payment_not_settled');
    expect(await (refused as Response).text()).not.toContain('temperature');
    const served = ra?.status === 200 ? ra : rb;
    expect(receiptOf(served as Response)).toMatchObject({ seq: 1, cumulativeMinor: 50n });
    expect(await db.store.getSession(s.transactionId)).toMatchObject({ seq: 1, cumulativeMinor: 50n });
  });
});
