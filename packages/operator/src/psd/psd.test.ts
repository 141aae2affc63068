import {
  generateSigningKey,
  importVerificationKey,
  signCoseSign1,
  verifyCoseSign1,
} from '@tallystick/protocol';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/database.ts';
import { verifyRegisterChain } from './registers.ts';
import { createSoftwarePsd } from './software.ts';

let db: Database;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

describe('software PSD', () => {
  it('signs with a key that survives a restart and opens only with the right secret', async () => {
    const psd = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-a',
      secret: 's3cret',
      kidPrefix: 'op-a',
    });
    const info = await psd.signingKey('indicium');
    expect(info.kid.startsWith('op-a:')).toBe(true);
    expect(JSON.stringify(info)).not.toContain('"d"');
    const signed = await signCoseSign1(await psd.signer('indicium'), new Uint8Array([1, 2, 3]));
    const key = await importVerificationKey(info.publicJwk as JWK);
    expect(typeof (await verifyCoseSign1(signed, () => ({ ...key, kid: info.kid })))).toBe('object');
    const again = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-a',
      secret: 's3cret',
      kidPrefix: 'op-a',
    });
    expect((await again.signingKey('indicium')).kid).toBe(info.kid);
    const wrong = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-a',
      secret: 'other',
      kidPrefix: 'op-a',
    });
    await expect(wrong.signingKey('indicium')).rejects.toThrow(/does not open/);
    const rows = await db.kysely.selectFrom('psd_keys').select('sealed_secret').execute();
    expect(JSON.stringify(rows)).not.toContain('"d"');
  });

  it('seals for another PSD, which alone opens it', async () => {
    const a = await createSoftwarePsd({ db: db.kysely, psdId: 'psd-a', secret: 's3cret', kidPrefix: 'op-a' });
    const b = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-b',
      secret: 'b-secret',
      kidPrefix: 'op-b',
    });
    const c = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-c',
      secret: 'c-secret',
      kidPrefix: 'op-c',
    });
    const message = new TextEncoder().encode('IBAN DE89370400440532013000');
    const pkg = await a.seal({ psdId: 'psd-b', publicJwk: (await b.exchangeKey()).publicJwk }, message);
    const senderJwk = (await a.signingKey('seal')).publicJwk;
    expect(new TextDecoder().decode(await b.open(pkg, senderJwk))).toBe('IBAN DE89370400440532013000');
    expect(await c.open({ ...pkg, to: 'psd-c' }, senderJwk)).toBeUndefined();
    const forged = (await generateSigningKey()).publicJwk as Record<string, string>;
    expect(await b.open(pkg, forged)).toBeUndefined();
    const flipped = {
      ...pkg,
      ct: `${pkg.ct.slice(0, -2)}${pkg.ct.endsWith('A') ? 'B' : 'A'}${pkg.ct.slice(-1)}`,
    };
    expect(await b.open(flipped, senderJwk)).toBeUndefined();
  });

  it('wraps data keys with a KEK that never leaves it', async () => {
    const psd = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-a',
      secret: 's3cret',
      kidPrefix: 'op-a',
    });
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    const aad = new TextEncoder().encode('record-1');
    const wrapped = await psd.wrapKey('funding', dataKey, aad);
    expect(await psd.unwrapKey('funding', wrapped, aad)).toEqual(dataKey);
    expect(await psd.unwrapKey('funding', wrapped, new TextEncoder().encode('record-2'))).toBeUndefined();
  });

  it('keeps value registers whose chain shows tampering', async () => {
    const psd = await createSoftwarePsd({
      db: db.kysely,
      psdId: 'psd-r',
      secret: 's3cret',
      kidPrefix: 'op-a',
    });
    expect(await psd.registers.debit('postage.EUR', 100n, 'too-early')).toBe('register_insufficient');
    await psd.registers.credit('postage.EUR', 1_000n, 'recharge-1');
    await psd.registers.debit('postage.EUR', 250n, 'piece-1');
    await psd.registers.debit('postage.EUR', 300n, 'piece-2');
    expect(await psd.registers.debit('postage.EUR', 451n, 'piece-3')).toBe('register_insufficient');
    const state = await psd.registers.read('postage.EUR');
    expect(state).toMatchObject({
      ascendingMinor: 550n,
      descendingMinor: 450n,
      pieceCount: 2n,
      controlSumMinor: 1_000n,
    });
    const entries = await psd.registers.entries('postage.EUR');
    const jwk = (await psd.signingKey('registers')).publicJwk;
    expect(await verifyRegisterChain(entries, jwk)).toEqual({ ok: true });
    expect(
      (
        await verifyRegisterChain(
          [entries[0], entries[2]].filter((e) => e !== undefined),
          jwk,
        )
      ).ok,
    ).toBe(false);
    const altered = entries.map((e, i) => (i === 1 ? { ...e, amountMinor: 1n } : e));
    expect((await verifyRegisterChain(altered, jwk)).ok).toBe(false);
    expect((await verifyRegisterChain([...entries, entries[2] as (typeof entries)[number]], jwk)).ok).toBe(
      false,
    );
  });
});
