import { describe, expect, it } from 'vitest';
import { generateSigningKey, importVerificationKey } from './keys.ts';
import { signMessage, verifyMessage } from './message.ts';
import { createMemoryReplayGuard } from './replay.ts';

async function setup(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const key = await generateSigningKey(alg);
  const verification = await importVerificationKey(key.publicJwk);
  const resolveKey = async (kid: string) =>
    kid === key.kid ? { key: verification, issuer: 'op-a' } : undefined;
  return { key, resolveKey };
}

describe('signed messages', () => {
  it.each(['ES256', 'EdDSA'] as const)('round-trips %s and returns the claims', async (alg) => {
    const { key, resolveKey } = await setup(alg);
    const jws = await signMessage(key, {
      mty: 't.x',
      iss: 'op-a',
      aud: 'op-b',
      txn: 'a.1.1',
      body: { n: 5n },
    });
    const claims = await verifyMessage(jws, { resolveKey, expectedType: 't.x', audience: 'op-b' });
    expect(claims.body).toEqual({ n: '5' });
    expect(claims.txn).toBe('a.1.1');
  });

  it('refuses a tampered payload before reading it', async () => {
    const { key, resolveKey } = await setup();
    const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: { n: 1 } });
    const [h, p, s] = jws.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), body: { n: 2 } }),
    );
    const tampered = `${h}.${forged.toString('base64url')}.${s}`;
    await expect(
      verifyMessage(tampered, { resolveKey, expectedType: 't.x', audience: 'op-b' }),
    ).rejects.toMatchObject({
      code: 'jws_signature_invalid',
    });
  });

  it('refuses alg none and HS256 by the allowlist', async () => {
    const { resolveKey, key } = await setup();
    for (const alg of ['none', 'HS256']) {
      const header = Buffer.from(JSON.stringify({ alg, kid: key.kid })).toString('base64url');
      const body = Buffer.from('{}').toString('base64url');
      await expect(
        verifyMessage(`${header}.${body}.`, { resolveKey, expectedType: 't.x', audience: 'op-b' }),
      ).rejects.toMatchObject({ code: 'jws_alg_not_allowed' });
    }
  });

  it('refuses replays, stale timestamps, wrong audience and unknown keys', async () => {
    const { key, resolveKey } = await setup();
    const replayGuard = createMemoryReplayGuard();
    const opts = { resolveKey, expectedType: 't.x', audience: 'op-b', replayGuard };
    const jws = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {} });
    await verifyMessage(jws, opts);
    await expect(verifyMessage(jws, opts)).rejects.toMatchObject({ code: 'jws_replayed' });
    const old = await signMessage(key, {
      mty: 't.x',
      iss: 'op-a',
      aud: 'op-b',
      body: {},
      nowMs: Date.now() - 301_000,
    });
    await expect(verifyMessage(old, opts)).rejects.toMatchObject({ code: 'jws_stale' });
    const other = await signMessage(key, { mty: 't.x', iss: 'op-a', aud: 'op-c', body: {} });
    await expect(verifyMessage(other, opts)).rejects.toMatchObject({ code: 'jws_wrong_audience' });
    const stranger = await generateSigningKey();
    const foreign = await signMessage(stranger, { mty: 't.x', iss: 'op-a', aud: 'op-b', body: {} });
    await expect(verifyMessage(foreign, opts)).rejects.toMatchObject({ code: 'jws_key_unknown' });
  });
});
