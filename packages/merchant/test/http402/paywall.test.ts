import { beforeAll, describe, expect, it } from 'vitest';
import {
  ORIGIN,
  offerOf,
  type PaywallFixture,
  paid,
  paymentHeader,
  paywallFixture,
  receiptOf,
  requiredOf,
} from './support.ts';

let f: PaywallFixture;
beforeAll(async () => {
  f = await paywallFixture();
});

describe('paywall: the 402 challenge', () => {
  it('answers an unpaid request with x402 v2 PAYMENT-REQUIRED offering both Tallystick schemes', async () => {
    const response = await f.serve(new Request(`${ORIGIN}/weather`));
    expect(response.status).toBe(402);
    const required = requiredOf(response);
    expect(required).toMatchObject({
      x402Version: 2,
      error: 'payment_required',
      resource: { url: `${ORIGIN}/weather` },
    });
    expect(required.accepts).toEqual([
      {
        scheme: 'tally-voucher',
        network: 'tally:op-b',
        asset: 'EUR',
        amount: '50',
        payTo: 'shop-1',
        maxTimeoutSeconds: 300,
        extra: { offerId: 'articles', sku: 'GET /weather', description: 'Weather now' },
      },
      {
        scheme: 'tally-payword',
        network: 'tally:op-b',
        asset: 'EUR',
        amount: '50',
        payTo: 'shop-1',
        maxTimeoutSeconds: 300,
        extra: {
          offerId: 'articles',
          sku: 'GET /weather',
          description: 'Weather now',
          unitPriceMinor: '10',
          units: 5,
        },
      },
    ]);
    expect(await response.json()).toMatchObject({ error: { code: 'payment_required' } });
  });

  it('serves unpriced routes untouched', async () => {
    const response = await f.serve(new Request(`${ORIGIN}/free`));
    expect(response.status).toBe(200);
    expect(response.headers.get('payment-required')).toBeNull();
  });

  it('prices per request', async () => {
    const offer = await offerOf(f, '/quote', 'tally-voucher', { headers: { 'x-size': '70' } });
    expect(offer.amount).toBe('70');
  });
});

// Every way of checking a voucher's signature: batched on a worker thread (the default), on the
// thread pool and inline (synchronous).
describe.each([
  ['on the worker thread', 'worker'],
  ['on the thread pool', 'threadpool'],
  ['inline', 'inline'],
] as const)('paywall: vouchers, signatures verified %s', (_name, voucherVerify) => {
  let f: PaywallFixture;
  beforeAll(async () => {
    f = await paywallFixture(undefined, undefined, { voucherVerify });
  });

  it('serves a paid request once, with a receipt; a replay gets a fresh 402', async () => {
    const s = await f.openSession();
    const offer = await offerOf(f, '/weather', 'tally-voucher');
    const header = paymentHeader(offer, { voucher: await s.wallet.pay(50n, 'GET /weather') });
    const response = await f.serve(paid('/weather', header));
    expect(response.status).toBe(200);
    expect(receiptOf(response)).toEqual({
      operatorId: 'op-b',
      transactionId: s.transactionId,
      seq: 1,
      amountMinor: 50n,
      cumulativeMinor: 50n,
    });
    const replay = await f.serve(paid('/weather', header));
    expect(replay.status).toBe(402);
    expect(requiredOf(replay).error).toBe('voucher_stale_seq');
    expect((await f.store.getSession(s.transactionId))?.seq).toBe(1);
  });

  it('a failing handler charges nothing; the same voucher pays the next request', async () => {
    const s = await f.openSession();
    const offer = await offerOf(f, '/fail', 'tally-voucher', { method: 'POST' });
    const header = paymentHeader(offer, { voucher: await s.wallet.pay(10n, 'POST /fail') });
    const failed = await f.serve(paid('/fail', header, { method: 'POST' }));
    expect(failed.status).toBe(500);
    expect(receiptOf(failed)).toBeUndefined();
    expect((await f.store.getSession(s.transactionId))?.seq).toBe(0);
  });

  it('many concurrent vouchers of one session, arriving in any order, are all accepted in seq order', async () => {
    const s = await f.openSession({ depositMinor: 10_000n });
    const offer = await offerOf(f, '/news/1', 'tally-voucher');
    const headers: string[] = [];
    for (let i = 0; i < 20; i++)
      headers.push(paymentHeader(offer, { voucher: await s.wallet.pay(20n, 'GET /news/:id') }));
    const shuffled = headers.map((h, i) => ({ h, k: (i * 7) % 20 })).sort((a, b) => a.k - b.k);
    const responses = await Promise.all(shuffled.map(({ h }) => f.serve(paid('/news/1', h))));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const session = await f.store.getSession(s.transactionId);
    expect(session?.seq).toBe(20);
    expect(session?.cumulativeMinor).toBe(400n);
  });

  it('refuses a voucher for another route, price, merchant or over the deposit; never serves it', async () => {
    const s = await f.openSession({ depositMinor: 60n });
    const weather = await offerOf(f, '/weather', 'tally-voucher');
    const news = await offerOf(f, '/news/1', 'tally-voucher');
    const reason = async (path: string, header: string) => {
      const r = await f.serve(paid(path, header));
      expect(r.status).toBe(402);
      return requiredOf(r).error;
    };
    const forNews = await s.wallet.candidate(20n, 'GET /news/:id');
    expect(await reason('/weather', paymentHeader(news, { voucher: forNews }))).toBe(
      'payment_requirements_mismatch',
    );
    expect(await reason('/weather', paymentHeader(weather, { voucher: forNews }))).toBe(
      'purchase_item_mismatch',
    );
    expect(
      await reason('/weather', paymentHeader({ ...weather, payTo: 'shop-2' }, { voucher: forNews })),
    ).toBe('payment_requirements_mismatch');
    expect(
      await reason('/weather', paymentHeader({ ...weather, network: 'tally:op-c' }, { voucher: forNews })),
    ).toBe('payment_requirements_mismatch');
    expect(await reason('/weather', paymentHeader(weather, { voucher: `${forNews.slice(0, -4)}AAAA` }))).toBe(
      'voucher_signature_invalid',
    );
    const ahead = await s.wallet.candidate(50n, 'GET /weather');
    await s.wallet.pay(50n, 'GET /weather'); // seq 1, never sent: the candidate for seq 2 waits for it, then is refused
    const second = await s.wallet.pay(50n, 'GET /weather');
    expect(await reason('/weather', paymentHeader(weather, { voucher: second }))).toBe(
      'voucher_out_of_order',
    );
    expect((await f.store.getSession(s.transactionId))?.seq).toBe(0);
    void ahead;
  });

  it('refuses a voucher over the deposit', async () => {
    const s = await f.openSession({ depositMinor: 40n });
    const weather = await offerOf(f, '/weather', 'tally-voucher');
    const r = await f.serve(
      paid('/weather', paymentHeader(weather, { voucher: await s.wallet.pay(50n, 'GET /weather') })),
    );
    expect(requiredOf(r).error).toBe('voucher_exceeds_deposit');
  });
});

describe('paywall: bad input is a 402 with a reason, never a 5xx', () => {
  const cases: [string, string][] = [
    ['garbage', 'payment_header_malformed'],
    ['%%%%', 'payment_header_malformed'],
    [Buffer.from('[1,2]').toString('base64'), 'payment_header_malformed'],
    [Buffer.from('{"x402Version":1}').toString('base64'), 'payment_version_unsupported'],
    [Buffer.from('{"x402Version":2,"accepted":{}}').toString('base64'), 'payment_payload_invalid'],
    ['A'.repeat(8_200), 'payment_header_too_large'],
  ];
  it.each(cases)('%s', async (header, reason) => {
    const r = await f.serve(paid('/weather', header));
    expect(r.status).toBe(402);
    expect(requiredOf(r).error).toBe(reason);
  });

  it('a well-formed payment for an unknown transaction or with a bad payload', async () => {
    const weather = await offerOf(f, '/weather', 'tally-payword');
    const unknown = paymentHeader(weather, {
      transactionId: 'op-a.9.9',
      index: 5,
      units: 5,
      preimage: 'a'.repeat(64),
    });
    expect(requiredOf(await f.serve(paid('/weather', unknown))).error).toBe('session_unknown');
    const bad = paymentHeader(weather, { transactionId: 'op-a.9.9', index: 5, units: 5, preimage: 'zz' });
    expect(requiredOf(await f.serve(paid('/weather', bad))).error).toBe('payment_payload_invalid');
    const voucher = await offerOf(f, '/weather', 'tally-voucher');
    expect(
      requiredOf(await f.serve(paid('/weather', paymentHeader(voucher, { voucher: 'a.b.c' })))).error,
    ).toBe('voucher_malformed');
  });
});

describe('paywall: hash chains', () => {
  it('pays k units with the preimage k steps on; replays and foreign preimages are refused', async () => {
    const s = await f.openSession();
    const weather = await offerOf(f, '/weather', 'tally-payword'); // 5 units of 10
    const pay = (index: number, preimage = s.chain.preimageHex(index), units = 5) =>
      f.serve(
        paid('/weather', paymentHeader(weather, { transactionId: s.transactionId, index, units, preimage })),
      );
    const first = await pay(5);
    expect(first.status).toBe(200);
    expect(receiptOf(first)).toMatchObject({ seq: 5, amountMinor: 50n, cumulativeMinor: 50n });
    expect(requiredOf(await pay(5)).error).toBe('payword_replayed');
    expect(requiredOf(await pay(10, s.chain.preimageHex(9))).error).toBe('payword_not_on_chain');
    expect(requiredOf(await pay(10, s.chain.preimageHex(10), 1)).error).toBe('payword_wrong_units');
    expect((await pay(10)).status).toBe(200);
    expect(f.paywall.hashChainTop(s.transactionId)).toEqual({
      index: 10,
      preimageHex: s.chain.preimageHex(10),
    });
  });

  it('tolerates out-of-order arrival and concurrent requests; a failed handler frees its units', async () => {
    const s = await f.openSession({ depositMinor: 5_000n });
    const news = await offerOf(f, '/news/1', 'tally-payword'); // 2 units
    const indices = Array.from({ length: 30 }, (_, i) => 2 * (i + 1)).reverse();
    const responses = await Promise.all(
      indices.map((index) =>
        f.serve(
          paid(
            '/news/1',
            paymentHeader(news, {
              transactionId: s.transactionId,
              index,
              units: 2,
              preimage: s.chain.preimageHex(index),
            }),
          ),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    const fail = await offerOf(f, '/fail', 'tally-payword', { method: 'POST' }); // 1 unit
    const header = paymentHeader(fail, {
      transactionId: s.transactionId,
      index: 61,
      units: 1,
      preimage: s.chain.preimageHex(61),
    });
    expect((await f.serve(paid('/fail', header, { method: 'POST' }))).status).toBe(500);
    expect((await f.serve(paid('/fail', header, { method: 'POST' }))).status).toBe(500);
    expect(f.paywall.hashChainTop(s.transactionId)?.index).toBe(60);
  });

  it('a terminate closes the chain at once, not at the next status refresh', async () => {
    const s = await f.openSession();
    const weather = await offerOf(f, '/weather', 'tally-payword');
    const pay = (index: number) =>
      f.serve(
        paid(
          '/weather',
          paymentHeader(weather, {
            transactionId: s.transactionId,
            index,
            units: 5,
            preimage: s.chain.preimageHex(index),
          }),
        ),
      );
    expect((await pay(5)).status).toBe(200);
    await f.merchant.terminate(s.transactionId);
    expect(requiredOf(await pay(10)).error).toBe('session_terminated');
    // What the record reports is what was served: the chain stopped at 5.
    expect(f.paywall.hashChainTop(s.transactionId)?.index).toBe(5);
  });

  it('refuses units beyond the deposit or the chain', async () => {
    const s = await f.openSession({ depositMinor: 40n });
    const weather = await offerOf(f, '/weather', 'tally-payword');
    const r = await f.serve(
      paid(
        '/weather',
        paymentHeader(weather, {
          transactionId: s.transactionId,
          index: 5,
          units: 5,
          preimage: s.chain.preimageHex(5),
        }),
      ),
    );
    expect(requiredOf(r).error).toBe('payword_exceeds_deposit');
  });
});
