import { signMessage, verifyMessage } from '@tallystick/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/database.ts';
import { importOperatorPublicKey, loadOrCreateOperatorKey } from './operator-key.ts';

describe('loadOrCreateOperatorKey', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('creates, stores and reloads a key bound to the operator, which signs what its public half verifies', async () => {
    // A node's first start: nothing stored yet (the key must be extractable to be stored at all).
    const created = await loadOrCreateOperatorKey(db.kysely, 'op-k');
    expect(created.kid).toMatch(/^op-k:[A-Za-z0-9_-]{43}$/);
    const reloaded = await loadOrCreateOperatorKey(db.kysely, 'op-k');
    expect(reloaded.kid).toBe(created.kid);
    const jws = await signMessage(reloaded, { mty: 'tally.test', iss: 'op-k', aud: 'op-x', body: {} });
    const publicKey = await importOperatorPublicKey('op-k', created.publicJwk);
    const message = await verifyMessage(jws, {
      resolveKey: async (kid) => (kid === publicKey.kid ? { key: publicKey, issuer: 'op-k' } : undefined),
      audience: 'op-x',
      expectedType: 'tally.test',
    });
    expect(message.iss).toBe('op-k');
  });
});
