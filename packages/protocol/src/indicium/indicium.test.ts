import { unzlibSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from '../cose/base45.ts';
import { signerOf } from '../cose/cose-sign1.ts';
import { generateSigningKey } from '../jws/keys.ts';
import { issueIndicium, verifyIndicium } from './codec.ts';
import { INDICIUM_PREFIX, type IndiciumParticulars } from './model.ts';
import { generateExchangeKeyPair, importExchangePrivateKey, importExchangePublicKey } from './seal.ts';
import { renderIndiciumText } from './text.ts';
import { type TrustList, trustResolver } from './trust-list.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

const particulars: IndiciumParticulars = {
  kind: 'ticket',
  id: 'itm-1',
  transactionId: 'prq-1',
  operatorId: 'op-a',
  merchantId: 'mer-aaaaaaaaaaaaaaaa',
  customer: 'psn-xyz',
  amountMinor: '4500',
  currency: 'EUR',
  issuedAt: 1_800_000_000,
  itemsHash: 'ab'.repeat(32),
  description: 'Concert',
  entry: { event: 'Concert', seat: 'A12', gate: '3', validFrom: 1_800_000_000, validUntil: 1_800_100_000 },
  register: { pieceCount: 7, ascendingMinor: '31500' },
};

async function setup() {
  const key = await generateSigningKey('ES256');
  const signer = { ...signerOf({ ...key, kid: `op-a:${key.kid}` }) };
  const trust: TrustList = {
    version: 1,
    keys: [
      {
        kid: signer.kid,
        issuer: 'op-a',
        role: 'operator',
        publicJwk: key.publicJwk as Record<string, string>,
      },
    ],
  };
  return { signer, trust, resolveKey: trustResolver(trust) };
}

describe('base45', () => {
  it('round-trips and matches RFC 9285 examples', () => {
    expect(base45Encode(new TextEncoder().encode('AB'))).toBe('BB8');
    expect(base45Encode(new TextEncoder().encode('Hello!!'))).toBe('%69 VD92EX0');
    expect(new TextDecoder().decode(base45Decode('QED8WEX0'))).toBe('ietf!');
    expect(base45Decode('GGW')).toBeUndefined(); // 65535 + 1
    expect(base45Decode('A')).toBeUndefined();
  });
});

describe('indicium', () => {
  it('verifies, binds the text, and opens private fields for the verifier only', async () => {
    const { signer, resolveKey } = await setup();
    const verifier = await generateExchangeKeyPair();
    const { indicium, text } = await issueIndicium(signer, 'op-a', particulars, {
      privateFields: { holder: 'Ada Lovelace' },
      verifier: { kid: 'gate-1', publicKey: await importExchangePublicKey(verifier.publicJwk) },
    });
    expect(indicium.startsWith(INDICIUM_PREFIX)).toBe(true);
    expect(text).toBe(renderIndiciumText(particulars));
    const result = await verifyIndicium(indicium, {
      resolveKey,
      text,
      verifierKey: await importExchangePrivateKey(verifier.privateJwk),
    });
    if (typeof result === 'string') throw new Error(result);
    expect(result.particulars).toEqual(particulars);
    expect(result.privateFields).toEqual({ holder: 'Ada Lovelace' });
    const without = await verifyIndicium(indicium, { resolveKey });
    if (typeof without === 'string') throw new Error(without);
    expect(without.hasPrivateFields).toBe(true);
    expect(without.privateFields).toBeUndefined();
    expect(await verifyIndicium(indicium, { resolveKey, text: `${text} ` })).toBe('indicium_text_mismatch');
  });

  it('fails on every changed character of the string and every flipped byte of the COSE', async () => {
    const { signer, resolveKey } = await setup();
    const { indicium } = await issueIndicium(signer, 'op-a', particulars);
    for (let i = 0; i < indicium.length; i++) {
      const c = indicium[i] as string;
      const other = ALPHABET[(ALPHABET.indexOf(c) + 1) % ALPHABET.length] ?? 'A';
      const tampered = indicium.slice(0, i) + (c === other ? 'B' : other) + indicium.slice(i + 1);
      const result = await verifyIndicium(tampered, { resolveKey });
      expect(typeof result, `character ${i}`).toBe('string');
    }
    const cose = unzlibSync(base45Decode(indicium.slice(INDICIUM_PREFIX.length)) as Uint8Array);
    for (let i = 0; i < cose.length; i++) {
      const flipped = cose.slice();
      flipped[i] = (flipped[i] as number) ^ 0x01;
      const repacked = INDICIUM_PREFIX + base45Encode(zlibSync(flipped, { level: 9 }));
      expect(typeof (await verifyIndicium(repacked, { resolveKey })), `COSE byte ${i}`).toBe('string');
    }
  });

  it('refuses an untrusted key and a key speaking for another issuer', async () => {
    const { signer, trust } = await setup();
    const { indicium } = await issueIndicium(signer, 'op-a', particulars);
    expect(await verifyIndicium(indicium, { resolveKey: trustResolver({ version: 1, keys: [] }) })).toBe(
      'indicium_key_unknown',
    );
    const wrongIssuer = { version: 1 as const, keys: trust.keys.map((k) => ({ ...k, issuer: 'op-b' })) };
    expect(await verifyIndicium(indicium, { resolveKey: trustResolver(wrongIssuer) })).toBe(
      'indicium_issuer_mismatch',
    );
  });
});
