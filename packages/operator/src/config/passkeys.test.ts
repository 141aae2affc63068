import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { hostDerivedPasskeyWarning, readPasskeyRelyingParty } from './passkeys.ts';

describe('TALLY_PASSKEY_RP_ID', () => {
  it('reads the relying party, its origin defaulting to https on the rp id, and nothing when unset', () => {
    expect(readPasskeyRelyingParty({})).toBeUndefined();
    expect(readPasskeyRelyingParty({ TALLY_PASSKEY_RP_ID: 'pay.example' })).toEqual({
      rpId: 'pay.example',
      origin: 'https://pay.example',
    });
    expect(
      readPasskeyRelyingParty({
        TALLY_PASSKEY_RP_ID: 'example.com',
        TALLY_PASSKEY_ORIGIN: 'https://wallet.example.com:8443/',
      }),
    ).toEqual({ rpId: 'example.com', origin: 'https://wallet.example.com:8443' });
    expect(
      readPasskeyRelyingParty({
        TALLY_PASSKEY_RP_ID: 'localhost',
        TALLY_PASSKEY_ORIGIN: 'http://localhost:7070',
      }),
    ).toEqual({ rpId: 'localhost', origin: 'http://localhost:7070' });
    const base = { TALLY_OPERATOR_ID: 'bank-a', TALLY_CURRENCY: 'EUR' };
    expect(loadConfig({ ...base, TALLY_PASSKEY_RP_ID: 'pay.example' }).passkeyRelyingParty).toEqual({
      rpId: 'pay.example',
      origin: 'https://pay.example',
    });
  });

  it('names the bad setting', () => {
    const bad = (env: Record<string, string>, setting: RegExp) =>
      expect(() => readPasskeyRelyingParty(env)).toThrow(setting);
    bad({ TALLY_PASSKEY_ORIGIN: 'https://pay.example' }, /^TALLY_PASSKEY_RP_ID/);
    bad({ TALLY_PASSKEY_RP_ID: 'https://pay.example' }, /^TALLY_PASSKEY_RP_ID/);
    bad({ TALLY_PASSKEY_RP_ID: '127.0.0.1' }, /^TALLY_PASSKEY_RP_ID/);
    bad({ TALLY_PASSKEY_RP_ID: 'Pay.Example' }, /^TALLY_PASSKEY_RP_ID/);
    bad(
      { TALLY_PASSKEY_RP_ID: 'pay.example', TALLY_PASSKEY_ORIGIN: 'http://pay.example' },
      /^TALLY_PASSKEY_ORIGIN/,
    );
    bad(
      { TALLY_PASSKEY_RP_ID: 'pay.example', TALLY_PASSKEY_ORIGIN: 'https://pay.example/x' },
      /^TALLY_PASSKEY_ORIGIN/,
    );
    bad(
      { TALLY_PASSKEY_RP_ID: 'pay.example', TALLY_PASSKEY_ORIGIN: 'https://evil.example' },
      /^TALLY_PASSKEY_ORIGIN/,
    );
    bad(
      { TALLY_PASSKEY_RP_ID: 'pay.example', TALLY_PASSKEY_ORIGIN: 'https://xpay.example' },
      /^TALLY_PASSKEY_ORIGIN/,
    );
  });

  it('warns at start only when the Host header decides and the node is reachable from elsewhere', () => {
    const configured = { rpId: 'pay.example', origin: 'https://pay.example' };
    expect(hostDerivedPasskeyWarning({ host: '0.0.0.0' })).toMatch(/TALLY_PASSKEY_RP_ID/);
    expect(hostDerivedPasskeyWarning({ host: '10.0.0.5' })).toMatch(/Host header/);
    expect(hostDerivedPasskeyWarning({ host: '0.0.0.0', passkeyRelyingParty: configured })).toBeUndefined();
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.1.1'])
      expect(hostDerivedPasskeyWarning({ host })).toBeUndefined();
    expect(hostDerivedPasskeyWarning({ host: '127.internal.example' })).toMatch(/Host header/);
  });
});
