import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TallyConnectionError,
  TallyInvalidRequestError,
  TallyOperatorError,
  TallyResponseError,
  type TerminateNotice,
} from '../src/index.ts';
import { startWalletNetwork, type WalletNetwork } from './support/network.ts';

let net: WalletNetwork;
beforeAll(async () => {
  net = await startWalletNetwork();
});
afterAll(() => net.close());

const options = { depositMinor: 1_000n, timeoutSeconds: 600 };
const initiations = () =>
  net.network.calls.filter(
    (c) => c.method === 'POST' && /^\/v1\/am\/sessions\/.+\/transactions$/.test(c.path),
  );

/** A fetch that performs the request but loses the answer of the first `count` matching calls. */
function losingAnswers(pattern: RegExp, count: number): typeof fetch {
  let lost = 0;
  return async (input, init) => {
    const response = await fetch(input, init);
    if (pattern.test(String(input)) && lost < count) {
      lost++;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: connection reset');
    }
    return response;
  };
}

describe('wallet resilience', () => {
  it('retries an initiation the AM failed with 503, sending the same JWS', async () => {
    net.network.faults.push({ method: 'POST', pathPrefix: '/v1/am/sessions/', times: 1, status: 503 });
    const before = initiations().length;
    const session = await net.wallet().openSession(net.offer, options);
    expect(initiations().length - before).toBe(2);
    expect(session.currentTransactionId).toMatch(/\.1$/);
  });

  it('re-sends a kept initiation after a lost answer, so the AM opens one transaction, not two', async () => {
    const wallet = net.wallet({ retriesMax: 0, fetch: losingAnswers(/\/transactions$/, 1) });
    const error = await wallet.openSession(net.offer, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TallyConnectionError);
    expect(error).toMatchObject({ code: 'network_error' });
    const session = await wallet.openSession(net.offer, options);
    // Had a second initiation been signed, the AM would have opened <session>.2.
    expect(session.currentTransactionId).toBe(`${await wallet.sessionId()}.1`);
  });

  it('does not retry a refusal, and carries its code, status and request id', async () => {
    net.network.faults.push({
      method: 'POST',
      pathPrefix: '/v1/am/sessions/',
      times: 1,
      status: 422,
      code: 'exceeds_credits',
    });
    const before = initiations().length;
    const error = await net
      .wallet()
      .openSession(net.offer, options)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TallyInvalidRequestError);
    expect(error).toMatchObject({
      code: 'exceeds_credits',
      statusCode: 422,
      requestId: expect.stringMatching(/^req-/),
    });
    expect(initiations().length - before).toBe(1);
  });

  it('times out a hanging AM', async () => {
    const wallet = net.wallet({ timeoutMs: 100, retriesMax: 0 });
    await wallet.sessionId();
    net.network.faults.push({ method: 'POST', pathPrefix: '/v1/am/sessions/', times: 1, hangMs: 400 });
    await expect(wallet.openSession(net.offer, options)).rejects.toMatchObject({
      name: 'TallyConnectionError',
      code: 'timeout',
    });
  });

  it('refuses a session ready that does not verify, or an operator document of someone else', async () => {
    const tamper: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!/\/transactions$/.test(String(input))) return response;
      const body = (await response.json()) as { sessionReady: string };
      return Response.json(
        { ...body, sessionReady: `${body.sessionReady.slice(0, -6)}AAAAAA` },
        { status: response.status },
      );
    };
    await expect(net.wallet({ fetch: tamper }).openSession(net.offer, options)).rejects.toMatchObject({
      code: 'session_ready_invalid',
    });
    const impostor = net.wallet({ amOperatorId: 'op-z' });
    const error = await impostor.openSession(net.offer, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TallyResponseError); // the logon answer names op-a's session, not op-z's
  });

  it('re-sends the same customer record when close() is retried after an AM failure', async () => {
    const session = await net.wallet({ retriesMax: 1 }).openSession(net.offer, options);
    await session.pay({ sku: 'a', description: 'a', priceMinor: 10n });
    net.network.faults.push({ method: 'POST', pathPrefix: '/v1/am/transactions/', times: 2, status: 503 });
    await expect(session.close()).rejects.toBeInstanceOf(TallyOperatorError);
    await expect(session.pay({ sku: 'b', description: 'b', priceMinor: 1n })).rejects.toMatchObject({
      code: 'session_closed',
    });
    const [summary] = await session.close();
    expect(summary).toMatchObject({ status: 'closed', recordStatus: 'received', purchaseCount: 1 });
    expect(net.network.mtaView(summary?.transactionId ?? '')).toMatchObject({ status: 'open' });
  });

  it('still files the customer record when the terminate hook fails, and says so', async () => {
    const failure = new Error('merchant offline');
    const seen: TerminateNotice[] = [];
    const session = await net.wallet().openSession(net.offer, {
      ...options,
      onTerminate: (notice) => {
        seen.push(notice);
        throw failure;
      },
    });
    const [summary] = await session.close();
    expect(seen).toHaveLength(1);
    expect(summary).toMatchObject({
      terminateDelivered: false,
      terminateError: failure,
      recordStatus: 'received',
      lastSeq: 0,
    });
  });

  it('refuses invalid offers, options and items before signing anything', async () => {
    const wallet = net.wallet();
    await expect(wallet.openSession({ ...net.offer, currency: 'XXX' }, options)).rejects.toMatchObject({
      code: 'offer_invalid',
    });
    await expect(wallet.openSession(net.offer, { ...options, depositMinor: 0n })).rejects.toMatchObject({
      code: 'options_invalid',
    });
    await expect(wallet.openSession(net.offer, { ...options, timeoutSeconds: 1 })).rejects.toMatchObject({
      code: 'options_invalid',
    });
    const session = await wallet.openSession(net.offer, options);
    const bad = { sku: '', description: 'x', priceMinor: 1n };
    await expect(session.pay(bad)).rejects.toMatchObject({ code: 'item_invalid' });
    await expect(
      session.pay({ sku: 'a', description: 'x', priceMinor: 1 as unknown as bigint }),
    ).rejects.toMatchObject({ code: 'item_invalid' });
    await expect(wallet.getTransaction('nope')).rejects.toMatchObject({ code: 'argument_invalid' });
    expect(() => net.wallet({ amBaseUrl: 'not a url' })).toThrow(/amBaseUrl/);
  });
});
