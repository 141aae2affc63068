import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webCryptoProvider } from '../crypto/webcrypto.ts';
import { nodeCryptoProvider } from '../platform/node-crypto.ts';
import {
  appendPurchase,
  encodePurchase,
  hashPurchaseList,
  PURCHASE_LIST_DOMAIN,
  type Purchase,
  type PurchaseListState,
  startPurchaseList,
} from './purchase-list.ts';

const TXN = 'op-a.17.3';
const P1: Purchase = {
  seq: 1,
  sku: 'article-7',
  description: 'On tally sticks',
  priceMinor: 120n,
  atMs: 1_893_456_000_000,
};
const P2: Purchase = {
  seq: 2,
  sku: 'img-3',
  description: 'Räkning, 🪵 stick',
  priceMinor: 35n,
  atMs: 1_893_456_001_000,
};

async function listOf(purchases: readonly Purchase[], txn = TXN): Promise<PurchaseListState> {
  const state = await hashPurchaseList(txn, purchases);
  if (typeof state === 'string') throw new Error(state);
  return state;
}

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('purchase list hash', () => {
  it('follows the documented construction byte for byte', async () => {
    const utf8 = (s: string) => [...new TextEncoder().encode(s)];
    const field = (s: string) => {
      const bytes = utf8(s);
      return [0, 0, bytes.length >> 8, bytes.length & 255, ...bytes];
    };
    const h0 = await crypto.subtle.digest(
      'SHA-256',
      new Uint8Array([...utf8(PURCHASE_LIST_DOMAIN), ...utf8(TXN)]),
    );
    const canonical = [
      ...field('1'),
      ...field('article-7'),
      ...field('On tally sticks'),
      ...field('120'),
      ...field('1893456000000'),
    ];
    expect([...encodePurchase(P1)]).toEqual(canonical);
    const h1 = await crypto.subtle.digest('SHA-256', new Uint8Array([...new Uint8Array(h0), ...canonical]));
    expect((await startPurchaseList(TXN)).hashHex).toBe(hex(h0));
    expect((await listOf([P1])).hashHex).toBe(hex(h1));
  });

  it('pins a known answer so the encoding cannot drift unnoticed', async () => {
    expect((await listOf([P1, P2])).hashHex).toMatchInlineSnapshot(
      `"fb2801cd218a69b59be63c52fed43442698c1e0ce5dc838443bb3534089e20b0"`,
    );
  });

  it.each([
    ['webcrypto', webCryptoProvider],
    ['node:crypto', nodeCryptoProvider],
  ] as const)('gives the same known answer through %s', async (_name, provider) => {
    const state = await hashPurchaseList(TXN, [P1, P2], provider);
    if (typeof state === 'string') throw new Error(state);
    expect(state.hashHex).toBe('fb2801cd218a69b59be63c52fed43442698c1e0ce5dc838443bb3534089e20b0');
  });

  it('is the same incrementally (wallet, merchant) and in one go, with the total', async () => {
    let wallet = await startPurchaseList(TXN);
    for (const p of [P1, P2]) {
      const next = await appendPurchase(wallet, p);
      if (typeof next === 'string') throw new Error(next);
      wallet = next;
    }
    const merchant = await listOf([P1, P2]);
    expect(wallet).toEqual(merchant);
    expect(merchant).toMatchObject({ count: 2, totalMinor: 155n, transactionId: TXN });
  });

  it('changes with order, transaction, and field boundaries', async () => {
    const base = (await listOf([P1, P2])).hashHex;
    const swapped = await listOf([
      { ...P2, seq: 1 },
      { ...P1, seq: 2 },
    ]);
    expect(swapped.hashHex).not.toBe(base);
    expect((await listOf([P1, P2], 'op-a.17.4')).hashHex).not.toBe(base);
    const a = await listOf([{ ...P1, sku: 'ab', description: 'c' }]);
    const b = await listOf([{ ...P1, sku: 'a', description: 'bc' }]);
    expect(a.hashHex).not.toBe(b.hashHex);
    expect((await listOf([{ ...P1, priceMinor: 121n }])).hashHex).not.toBe((await listOf([P1])).hashHex);
  });

  it('is deterministic for any purchases (property)', async () => {
    const arbPurchase = fc.record({
      sku: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
      description: fc.string({ maxLength: 40, unit: 'grapheme' }),
      priceMinor: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      atMs: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(arbPurchase, { maxLength: 8 }), async (items) => {
        const purchases = items.map((p, i) => ({ ...p, seq: i + 1 }));
        const one = await listOf(purchases);
        const two = await listOf(structuredClone(purchases));
        expect(one).toEqual(two);
        expect(one.totalMinor).toBe(purchases.reduce((t, p) => t + p.priceMinor, 0n));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves the previous state untouched, so a refused voucher rolls back', async () => {
    const one = await listOf([P1]);
    const snapshot = { ...one };
    await appendPurchase(one, P2);
    expect(one).toEqual(snapshot);
    expect(Object.isFrozen(one)).toBe(true);
  });

  it.each([
    ['a skipped seq', { ...P2, seq: 3 }, 'purchase_out_of_order'],
    ['a repeated seq', { ...P2, seq: 1 }, 'purchase_out_of_order'],
    ['an empty sku', { ...P2, sku: '' }, 'purchase_invalid'],
    ['a 129-code-point sku', { ...P2, sku: '🪵'.repeat(129) }, 'purchase_invalid'],
    ['a lone surrogate', { ...P2, description: 'a\uDC00' }, 'purchase_invalid'],
    ['a negative price', { ...P2, priceMinor: -1n }, 'purchase_invalid'],
    ['a fractional time', { ...P2, atMs: 1.5 }, 'purchase_invalid'],
    ['an overflowing total', { ...P2, priceMinor: 9_223_372_036_854_775_807n }, 'purchase_total_overflow'],
  ])('refuses %s', async (_name, purchase, error) => {
    expect(await appendPurchase(await listOf([P1]), purchase)).toBe(error);
  });

  it('counts sku length in code points, as the voucher schema does', async () => {
    const state = await appendPurchase(await startPurchaseList(TXN), { ...P1, sku: '🪵'.repeat(128) });
    expect(typeof state).toBe('object');
  });
});
