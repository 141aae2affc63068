import { describe, expect, it } from 'vitest';
import { defaultCryptoProvider } from '../crypto/default.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { webCryptoProvider } from '../crypto/webcrypto.ts';
import { nodeCryptoProvider } from '../platform/node-crypto.ts';
import { generateSigningKey, importVerificationKey } from './keys.ts';
import { signMessage, verifyMessage } from './message.ts';
import { createMemoryReplayGuard } from './replay.ts';

const PROVIDERS: readonly (readonly [string, CryptoProvider])[] = [
  ['webcrypto', webCryptoProvider],
  ['node:crypto', nodeCryptoProvider],
];

async function setup(alg: 'ES256' | 'EdDSA', crypto: CryptoProvider) {
  const key = await generateSigningKey(alg, crypto);
  const verification = await importVerificationKey(key.publicJwk);
  const resolveKey = async (kid: string) =>
    kid === key.kid ? { key: verification, issuer: 'op-a' } : undefined;
  return { key, resolveKey };
}

it('uses node:crypto by default on Node (the `node` condition of #platform/crypto)', () => {
  expect(defaultCryptoProvider.name).toBe('node:crypto');
});

describe.each(PROVIDERS)('signed messages with %s', (_name, crypto) => {
  it.each(['ES256', 'EdDSA'] as const)('round-trips %s and returns the claims', async (alg) => {
    const { key, resolveKey } = await setup(alg, crypto);
    const jws = await signMessage(key, {
      mty: 't.x',
      iss: 'op-a',
      aud: 'op-b',
      txn: 'a.1.1',
      body: { n: 5n },
      crypto,
    });
    const claims = await verifyMessage(jws, { resolveKey, expectedType: 't.x', audience: 'op-b', crypto });
    expect(claims.body).toEqual({ n: '5' });
    expect(claims.txn).toBe('a.1.1');
  });

  it.each(['ES256', 'EdDSA'] as const)('verifies %s tokens of the other implementation', async (alg) => {
    const other = crypto === nodeCryptoProvider ? webCryptoProvider : nodeCryptoProvider;
    for (const [signer, verifier] of [
      [crypto, other],
      [other, crypto],
    ] as const) {
      const { key, resolveKey } = await setup(alg, signer);
      const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {}, crypto: signer });
      const options = { resolveKey, expectedType: 't.x', audience: 'op-b', crypto: verifier };
      await expect(verifyMessage(jws, options)).resolves.toMatchObject({ iss: 'op-a' });
      const [h, p, s] = jws.split('.') as [string, string, string];
      const flipped = Buffer.from(s, 'base64url');
      flipped[10] = (flipped[10] as number) ^ 1;
      await expect(
        verifyMessage(`${h}.${p}.${flipped.toString('base64url')}`, options),
      ).rejects.toMatchObject({ code: 'jws_signature_invalid' });
    }
  });

  it('refuses a tampered payload before reading it', async () => {
    const { key, resolveKey } = await setup('ES256', crypto);
    const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: { n: 1 }, crypto });
    const [h, p, s] = jws.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), body: { n: 2 } }),
    );
    const tampered = `${h}.${forged.toString('base64url')}.${s}`;
    await expect(
      verifyMessage(tampered, { resolveKey, expectedType: 't.x', audience: 'op-b', crypto }),
    ).rejects.toMatchObject({
      code: 'jws_signature_invalid',
    });
    // A payload that is not even JSON is never parsed when the signature fails.
    const garbage = `${h}.${Buffer.from('not json').toString('base64url')}.${s}`;
    await expect(
      verifyMessage(garbage, { resolveKey, expectedType: 't.x', audience: 'op-b', crypto }),
    ).rejects.toMatchObject({ code: 'jws_signature_invalid' });
  });

  it('refuses signatures of the wrong length or encoding', async () => {
    const { key, resolveKey } = await setup('ES256', crypto);
    const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {}, crypto });
    const [h, p, s] = jws.split('.') as [string, string, string];
    const options = { resolveKey, expectedType: 't.x', audience: 'op-b', crypto };
    await expect(verifyMessage(`${h}.${p}.`, options)).rejects.toMatchObject({
      code: 'jws_signature_invalid',
    });
    await expect(verifyMessage(`${h}.${p}.${s.slice(0, 40)}`, options)).rejects.toMatchObject({
      code: 'jws_signature_invalid',
    });
    await expect(verifyMessage(`${h}.${p}.${s}=`, options)).rejects.toMatchObject({
      code: 'jws_malformed',
    });
    // 4n + 1 characters decode to no byte string at all.
    await expect(verifyMessage(`${h}.${p}.${s.slice(0, 41)}`, options)).rejects.toMatchObject({
      code: 'jws_malformed',
    });
  });

  it('refuses alg none and HS256 by the allowlist, and critical extensions', async () => {
    const { resolveKey, key } = await setup('ES256', crypto);
    for (const alg of ['none', 'HS256']) {
      const header = Buffer.from(JSON.stringify({ alg, kid: key.kid })).toString('base64url');
      const body = Buffer.from('{}').toString('base64url');
      await expect(
        verifyMessage(`${header}.${body}.`, { resolveKey, expectedType: 't.x', audience: 'op-b', crypto }),
      ).rejects.toMatchObject({ code: 'jws_alg_not_allowed' });
    }
    const crit = Buffer.from(JSON.stringify({ alg: 'ES256', kid: key.kid, b64: false, crit: ['b64'] }));
    await expect(
      verifyMessage(`${crit.toString('base64url')}.e30.`, {
        resolveKey,
        expectedType: 't.x',
        audience: 'op-b',
        crypto,
      }),
    ).rejects.toMatchObject({ code: 'jws_malformed' });
  });

  it('refuses replays, stale timestamps, wrong audience and unknown keys', async () => {
    const { key, resolveKey } = await setup('ES256', crypto);
    const replayGuard = createMemoryReplayGuard();
    const opts = { resolveKey, expectedType: 't.x', audience: 'op-b', replayGuard, crypto };
    const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {}, crypto });
    await verifyMessage(jws, opts);
    await expect(verifyMessage(jws, opts)).rejects.toMatchObject({ code: 'jws_replayed' });
    const old = await signMessage(key, {
      mty: 't.x',
      iss: 'op-a',
      aud: 'op-b',
      body: {},
      nowMs: Date.now() - 301_000,
      crypto,
    });
    await expect(verifyMessage(old, opts)).rejects.toMatchObject({ code: 'jws_stale' });
    const other = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-c', body: {}, crypto });
    await expect(verifyMessage(other, opts)).rejects.toMatchObject({ code: 'jws_wrong_audience' });
    const stranger = await generateSigningKey('ES256', crypto);
    const foreign = await signMessage(stranger, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {}, crypto });
    await expect(verifyMessage(foreign, opts)).rejects.toMatchObject({ code: 'jws_key_unknown' });
  });
});

describe('node:crypto with a sealed key', () => {
  it('signs a non-extractable key through WebCrypto, verifiable by both', async () => {
    const { key, resolveKey } = await setup('ES256', webCryptoProvider);
    expect(key.privateKey.extractable).toBe(false);
    const jws = await signMessage(key, {
      mty: 't.x',
      iss: 'op-a',
      aud: 'op-b',
      body: {},
      crypto: nodeCryptoProvider,
    });
    for (const crypto of [webCryptoProvider, nodeCryptoProvider]) {
      await expect(
        verifyMessage(jws, { resolveKey, expectedType: 't.x', audience: 'op-b', crypto }),
      ).resolves.toMatchObject({ iss: 'op-a' });
    }
  });
});
