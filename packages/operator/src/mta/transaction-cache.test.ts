import { describe, expect, it } from 'vitest';
import type { MtaTransaction } from './model.ts';
import type { Executor } from './repository.ts';
import { createTransactionCache } from './transaction-cache.ts';

/** A database that must not be asked: a hit is answered from memory. */
const noDatabase = new Proxy({} as Executor, {
  get() {
    throw new Error('the database was asked');
  },
});

function transaction(id: string): MtaTransaction {
  return {
    id,
    amOperatorId: 'op-a',
    merchantId: 'm-1',
    status: 'open',
    pseudonym: 'p-1',
    sessionKey: { kty: 'EC' },
    offerId: 'offer',
    depositCustomerMinor: 100n,
    customerCurrency: 'SEK',
    depositMerchantMinor: 8n,
    merchantCurrency: 'EUR',
    rate: { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
    expiresAt: new Date(0),
    amendedInitiationJws: 'a',
    merchantAckJws: 'b',
    mtaAckJws: 'c',
    createdAt: new Date(0),
  };
}

describe('the MTA transaction cache', () => {
  it('answers a remembered transaction without the database, as a frozen copy', async () => {
    const cache = createTransactionCache();
    const original = transaction('op-a.1.1');
    cache.remember(original);
    const found = await cache.find(noDatabase, 'op-a.1.1');
    expect(found).toEqual(original);
    expect(found).not.toBe(original);
    expect(Object.isFrozen(found)).toBe(true);
  });

  it('forgets the oldest entry past its bound, and then reads the database', async () => {
    const cache = createTransactionCache(2);
    for (const id of ['t.1', 't.2', 't.3']) cache.remember(transaction(id));
    expect(await cache.find(noDatabase, 't.3')).toBeDefined();
    expect(await cache.find(noDatabase, 't.2')).toBeDefined();
    await expect(cache.find(noDatabase, 't.1')).rejects.toThrow('the database was asked');
  });
});
