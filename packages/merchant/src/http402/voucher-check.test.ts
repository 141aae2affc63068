import {
  createVoucher,
  generatePseudonym,
  generateSigningKey,
  importVerificationKey,
  type SigningKey,
  signTerminate,
  type VerificationKey,
  verifyVoucher,
} from '@tallystick/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeKeyOf, parseCompactJws, spkiOf } from './platform/node-voucher.ts';
import { checkVoucherMessage, checkVoucherMessageAsync, type VoucherSessionKey } from './voucher-check.ts';

const TXN = 'op-a.1.1';
const NOW_MS = 1_750_000_000_000;
let key: SigningKey;
let other: SigningKey;
let verification: VerificationKey;
let pseudonym: string;
let session: VoucherSessionKey;

beforeAll(async () => {
  [key, other] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256')]);
  verification = await importVerificationKey(key.publicJwk);
  pseudonym = generatePseudonym();
  session = {
    transactionId: TXN,
    pseudonym,
    merchantId: 'shop-1',
    alg: 'ES256',
    kid: verification.kid,
    key: nodeKeyOf(verification.publicJwk),
    keyDer: spkiOf(nodeKeyOf(verification.publicJwk)),
  };
});

function voucher(
  overrides: { key?: SigningKey; aud?: string; txn?: string; iss?: string; nowMs?: number } = {},
) {
  return createVoucher(overrides.key ?? key, {
    transactionId: overrides.txn ?? TXN,
    pseudonym: overrides.iss ?? pseudonym,
    merchantId: overrides.aud ?? 'shop-1',
    seq: 1,
    cumulativeMinor: 50n,
    currency: 'EUR',
    purchaseListHash: 'a'.repeat(64),
    item: { sku: 'GET /weather', description: '', priceMinor: 50n, atMs: NOW_MS },
    nowMs: overrides.nowMs ?? NOW_MS,
  });
}

/** Both checks on one JWS: the protocol's (jose/WebCrypto) and the Node fast path; envelope codes only. */
async function both(jws: string) {
  const slow = await verifyVoucher(jws, {
    sessionKey: verification,
    transactionId: TXN,
    pseudonym,
    merchantId: 'shop-1',
    currency: 'EUR',
    depositMinor: 1_000n,
    lastSeq: 0,
    lastCumulativeMinor: 0n,
    nowMs: NOW_MS,
  });
  const parsed = parseCompactJws(jws);
  const fast = parsed ? checkVoucherMessage(parsed, session, NOW_MS) : 'voucher_malformed';
  // The thread-pool form the lanes use answers exactly as the synchronous one.
  const pooled = parsed ? await checkVoucherMessageAsync(parsed, session, () => NOW_MS) : 'voucher_malformed';
  expect(pooled).toEqual(fast);
  // So does the batched verifier worker (the default).
  const onWorker = parsed
    ? await checkVoucherMessageAsync(parsed, session, () => NOW_MS, 'worker')
    : 'voucher_malformed';
  expect(onWorker).toEqual(fast);
  return { slow: typeof slow === 'string' ? slow : 'ok', fast: typeof fast === 'string' ? fast : 'ok' };
}

describe('fast voucher check agrees with verifyVoucher', () => {
  it('on a valid voucher, and decodes the same body', async () => {
    const jws = await voucher();
    expect(await both(jws)).toEqual({ slow: 'ok', fast: 'ok' });
    const parsed = parseCompactJws(jws);
    expect(parsed && checkVoucherMessage(parsed, session, NOW_MS)).toMatchObject({
      seq: 1,
      cumulativeMinor: 50n,
    });
  });

  it.each([
    ['another key', { key: 'other' }],
    ['another merchant', { aud: 'shop-2' }],
    ['another transaction', { txn: 'op-a.1.2' }],
    ['another issuer', { iss: 'psn_AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a stale iat', { nowMs: NOW_MS - 200_000_000 }],
  ])('on %s', async (_name, o) => {
    const jws = await voucher({ ...o, key: (o as { key?: string }).key === 'other' ? other : key });
    const { slow, fast } = await both(jws);
    expect(slow).not.toBe('ok');
    expect(fast).toBe(slow);
  });

  it('on a tampered signature, payload or type', async () => {
    const jws = await voucher();
    const [h, p, s] = jws.split('.') as [string, string, string];
    const terminate = await signTerminate(
      key,
      { iss: pseudonym, aud: 'shop-1', nowMs: NOW_MS },
      { transactionId: TXN, by: 'customer', reason: 'customer_stop', lastSeq: 0 },
    );
    for (const bad of [`${h}.${p}.${s.slice(0, -3)}AAA`, terminate, 'a.b', '..']) {
      const { slow, fast } = await both(bad);
      expect(fast).toBe(slow);
    }
    // A payload that is not JSON names no transaction, so no key to check the signature with: malformed.
    expect(await both(`${h}.${p.slice(0, -2)}AA.${s}`)).toEqual({
      slow: 'voucher_signature_invalid',
      fast: 'voucher_malformed',
    });
  });
});

describe('raw r‖s to DER', () => {
  it('verifies exactly what OpenSSL verifies with ieee-p1363, for many signatures (leading zeros, high bits)', async () => {
    const { generateKeyPairSync, sign, verify } = await import('node:crypto');
    const { p1363ToDer, verifySignature } = await import('./platform/node-voucher.ts');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 300; i++) {
      const input = `header.payload-${i}`;
      const raw = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(verifySignature('ES256', publicKey, input, raw)).toBe(true);
      const flipped = Buffer.from(raw);
      flipped[i % 64] = (flipped[i % 64] as number) ^ 1;
      const expected = verify(
        'sha256',
        Buffer.from(input),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        flipped,
      );
      expect(verifySignature('ES256', publicKey, input, flipped)).toBe(expected);
    }
    expect(p1363ToDer(Buffer.alloc(63))).toBeUndefined();
  });
});

describe('the synchronous purchase list', () => {
  it('extends a list to exactly the states of the protocol appendPurchase (non-ASCII, long, free items)', async () => {
    const { appendPurchase, startPurchaseList } = await import('@tallystick/protocol');
    const { appendPurchaseSync } = await import('./platform/node-voucher.ts');
    const items = [
      { sku: 'GET /weather', description: '', priceMinor: 3n, atMs: 1_700_000_000_123 },
      { sku: 'väder-☂', description: 'Väder i Göteborg, 😀 emoji', priceMinor: 0n, atMs: 1 },
      { sku: 'x'.repeat(100), description: 'y'.repeat(200), priceMinor: 999_999_999_999n, atMs: 0 },
    ];
    let slow = await startPurchaseList('op-a.1.7');
    let fast = slow;
    for (const [i, item] of items.entries()) {
      const next = await appendPurchase(slow, { seq: i + 1, ...item });
      if (typeof next === 'string') throw new Error(next);
      slow = next;
      fast = appendPurchaseSync(fast, { seq: i + 1, ...item }) ?? fast;
      expect(fast).toEqual(slow);
    }
    expect(appendPurchaseSync(fast, { seq: 9, ...(items[0] as (typeof items)[0]) })).toBeUndefined();
    expect(
      appendPurchaseSync({ ...fast, hashHex: 'zz' }, { seq: 4, ...(items[0] as (typeof items)[0]) }),
    ).toBe(undefined);
  });
});
