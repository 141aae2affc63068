import { generateSigningKey } from '@tallystick/protocol';
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
});
