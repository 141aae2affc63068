import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestOperator, type TestOperator, type TestParty } from '../../test/support/operator.ts';

/** `findKeyOf` keeps keys it read (they are never changed): the cache must not change any answer. */
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

  it('does not remember an unknown kid: a key registered later is found', async () => {
    expect(await op.parties.findKeyOf(alice.id, 'no-such-kid')).toBeUndefined();
    const later = await op.customer();
    expect((await op.parties.findKeyOf(later.id, later.key.kid))?.partyId).toBe(later.id);
  });
});
