import { generateSigningKey } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator, type TestParty } from '../../test/support/operator.ts';

/** The parties service's caches (keys by kid, authenticated API keys): they must not change any answer. */
describe('party keys cached by kid', () => {
  let op: TestOperator;
  let alice: TestParty;
  let shop: TestParty;
  beforeAll(async () => {
    op = await openTestOperator();
    alice = await op.customer();
    shop = await op.merchant();
  });
  afterAll(async () => {
    await op?.close();
  });

  it('answers from the cache after the first read, with the stored key', async () => {
    const first = await op.parties.findKeyOf(alice.id, alice.key.kid);
    expect(first?.publicJwk).toMatchObject({ x: alice.key.publicJwk.x });
    // Gone from the table (only a test can do this): the second answer can only come from the cache.
    await op.db.kysely.deleteFrom('party_keys').where('kid', '=', alice.key.kid).execute();
    const second = await op.parties.findKeyOf(alice.id, alice.key.kid);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second?.publicJwk)).toBe(true);
  });

  it('still refuses a cached key to another party: a party can only sign as itself', async () => {
    expect(await op.parties.findKeyOf(shop.id, shop.key.kid)).toBeDefined();
    expect(await op.parties.findKeyOf(alice.id, shop.key.kid)).toBeUndefined();
  });

  it('does not remember an unknown kid: the same kid registered later is found', async () => {
    const key = await generateSigningKey();
    expect(await op.parties.findKeyOf(alice.id, key.kid)).toBeUndefined();
    const registered = await op.parties.registerCustomer({
      displayName: 'Later',
      publicJwk: key.publicJwk,
      creditLimitMinor: 0n,
    });
    if (typeof registered === 'string') throw new Error(`registration refused: ${registered}`);
    expect((await op.parties.findKeyOf(registered.party.id, key.kid))?.partyId).toBe(registered.party.id);
  });

  it('serves an authenticated API key from its cache; a credit limit change empties it; a wrong secret never hits it', async () => {
    const bob = await op.customer({ creditLimitMinor: '1000' });
    expect((await op.parties.authenticateApiKey(bob.apiKey))?.creditLimitMinor).toBe(1000n);
    // Changed behind the service's back (as another process would): within the TTL the cached row answers.
    await op.db.kysely
      .updateTable('parties')
      .set({ credit_limit_minor: 7n })
      .where('id', '=', bob.id)
      .execute();
    expect((await op.parties.authenticateApiKey(bob.apiKey))?.creditLimitMinor).toBe(1000n);
    // Through the service, the cache is emptied: the next call reads the row.
    const changed = await op.parties.setCreditLimit({
      customerId: bob.id,
      creditLimitMinor: 2500n,
      requestId: 'cache-1',
    });
    expect(changed).toMatchObject({ creditLimitMinor: 2500n });
    expect((await op.parties.authenticateApiKey(bob.apiKey))?.creditLimitMinor).toBe(2500n);
    // Same party id, another secret: refused, although the party's right key is cached.
    const forged = `${bob.apiKey.slice(0, -4)}AAAA`;
    expect(forged).not.toBe(bob.apiKey);
    expect(await op.parties.authenticateApiKey(forged)).toBeUndefined();
  });

  it('serves a party by id from its cache (also inside a transaction); a credit limit change empties it', async () => {
    const carol = await op.customer({ creditLimitMinor: '300' });
    expect((await op.parties.findParty(carol.id))?.creditLimitMinor).toBe(300n);
    await op.db.kysely
      .updateTable('parties')
      .set({ credit_limit_minor: 9n })
      .where('id', '=', carol.id)
      .execute();
    // Within the TTL the cached row answers, through any executor.
    expect((await op.parties.findParty(carol.id, op.db.kysely))?.creditLimitMinor).toBe(300n);
    expect(Object.isFrozen(await op.parties.findParty(carol.id))).toBe(true);
    await op.parties.setCreditLimit({ customerId: carol.id, creditLimitMinor: 400n, requestId: 'cache-2' });
    expect((await op.parties.findParty(carol.id))?.creditLimitMinor).toBe(400n);
    // An unknown id is not remembered: a party registered under it later is found.
    expect(await op.parties.findParty('nobody')).toBeUndefined();
  });
});
