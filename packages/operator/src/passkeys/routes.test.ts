import { generateSigningKey } from '@tallystick/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import { generateAdminToken } from '../config/admin-token.ts';
import type { Database } from '../db/database.ts';
import { buildOperator, type Operator } from '../node.ts';
import type { RelyingParty } from './model.ts';

const CONFIGURED: RelyingParty = { rpId: 'pay.example', origin: 'https://pay.example' };

describe('passkey relying party', () => {
  const opened: { operator: Operator; db: Database }[] = [];
  afterEach(async () => {
    for (const { operator, db } of opened.splice(0)) {
      await operator.app.close();
      await db.close();
    }
  });

  /** An operator with one customer; the log lines at warn and above. */
  const start = async (passkeyRelyingParty?: RelyingParty) => {
    const db = await openTestDatabase();
    const logs: string[] = [];
    const operator = await buildOperator({
      config: {
        operatorId: 'op-pk',
        currency: 'EUR',
        logLevel: 'warn',
        ...(passkeyRelyingParty ? { passkeyRelyingParty } : {}),
      },
      db,
      adminToken: generateAdminToken(),
      logStream: { write: (line) => logs.push(line) },
    });
    opened.push({ operator, db });
    const customer = await operator.parties.registerCustomer({
      displayName: 'Passkey Customer',
      publicJwk: (await generateSigningKey()).publicJwk,
      creditLimitMinor: 0n,
    });
    if (typeof customer === 'string') throw new Error(customer);
    const registrationOptions = async (host: string) => {
      const res = await operator.app.inject({
        method: 'POST',
        url: '/v1/passkeys/registration-options',
        headers: { host, authorization: `Bearer ${customer.apiKey}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(res.statusCode).toBe(200);
      return res.json() as { rp: { id: string } };
    };
    return { logs, registrationOptions };
  };

  it('uses the configured rp id whatever Host the client sends', async () => {
    const { registrationOptions } = await start(CONFIGURED);
    expect((await registrationOptions('pay.example')).rp.id).toBe('pay.example');
    expect((await registrationOptions('evil.example:8443')).rp.id).toBe('pay.example');
  });

  it('unconfigured, derives it from Host as before (the node warns at start, config/passkeys.test.ts)', async () => {
    const { registrationOptions } = await start();
    expect((await registrationOptions('localhost:7070')).rp.id).toBe('localhost');
    expect((await registrationOptions('evil.example')).rp.id).toBe('evil.example');
  });
});
