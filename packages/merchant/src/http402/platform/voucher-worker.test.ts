import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { p1363ToDer, spkiOf } from './node-voucher.ts';
import { BatchedSignatureVerifier } from './voucher-worker.ts';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

/** An ES256 signature as the lanes hand it over: raw r‖s from the JWS, turned into DER. */
function es256(input: string, key: KeyObject = ec.privateKey): Buffer {
  const raw = sign('sha256', Buffer.from(input, 'latin1'), { key, dsaEncoding: 'ieee-p1363' });
  return p1363ToDer(raw) as Buffer;
}

function tampered(signature: Buffer, at: number): Buffer {
  const copy = Buffer.from(signature);
  copy[at] = (copy[at] as number) ^ 1;
  return copy;
}

const verifiers: BatchedSignatureVerifier[] = [];
afterAll(async () => {
  for (const v of verifiers) await v.close();
});

function check(
  verifier: BatchedSignatureVerifier,
  alg: 'ES256' | 'EdDSA',
  key: KeyObject,
  data: string,
  signature: Buffer,
): Promise<boolean> {
  return new Promise((resolve) => verifier.verify(alg, key, spkiOf(key), data, signature, resolve));
}

describe('the batched verifier worker', () => {
  it('accepts valid signatures and refuses tampered ones, each answer to its own signature in one batch', async () => {
    const verifier = new BatchedSignatureVerifier();
    verifiers.push(verifier);
    const cases: [string, Promise<boolean>, boolean][] = [];
    // All asked in one turn of the event loop: one batch, valid and invalid interleaved.
    for (let i = 0; i < 40; i++) {
      const input = `eyJhbGciOiJFUzI1NiJ9.payload-${i}`;
      const signature = es256(input);
      cases.push([`valid ${i}`, check(verifier, 'ES256', ec.publicKey, input, signature), true]);
      cases.push([
        `tampered signature ${i}`,
        check(verifier, 'ES256', ec.publicKey, input, tampered(signature, 8 + (i % 50))),
        false,
      ]);
      cases.push([
        `tampered data ${i}`,
        check(verifier, 'ES256', ec.publicKey, `${input.slice(0, -1)}x`, signature),
        false,
      ]);
      cases.push([`another key ${i}`, check(verifier, 'ES256', otherEc.publicKey, input, signature), false]);
    }
    const edInput = 'eyJhbGciOiJFZERTQSJ9.payload';
    const edSignature = sign(null, Buffer.from(edInput), ed.privateKey);
    cases.push(['EdDSA', check(verifier, 'EdDSA', ed.publicKey, edInput, edSignature), true]);
    cases.push([
      'EdDSA tampered',
      check(verifier, 'EdDSA', ed.publicKey, edInput, tampered(edSignature, 3)),
      false,
    ]);
    cases.push(['not a signature', check(verifier, 'ES256', ec.publicKey, edInput, Buffer.alloc(0)), false]);
    const answers = await Promise.all(cases.map(([, answer]) => answer));
    expect(cases.map(([name], i) => [name, answers[i]])).toEqual(
      cases.map(([name, , expected]) => [name, expected]),
    );
  });

  it('answers a queue longer than the batches allowed in flight, in order', async () => {
    const verifier = new BatchedSignatureVerifier();
    verifiers.push(verifier);
    const input = 'eyJhbGciOiJFUzI1NiJ9.many';
    const signature = es256(input);
    const bad = tampered(signature, 40);
    // 700 at once: three batches of at most 256, the third sent only when an answer came back.
    const answers = await Promise.all(
      Array.from({ length: 700 }, (_, i) =>
        check(verifier, 'ES256', ec.publicKey, input, i % 7 === 3 ? bad : signature),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 700 }, (_, i) => i % 7 !== 3));
  });

  it('answers across batches and after its worker is gone (inline, the same answers)', async () => {
    const verifier = new BatchedSignatureVerifier();
    verifiers.push(verifier);
    const input = 'eyJhbGciOiJFUzI1NiJ9.later';
    const signature = es256(input);
    expect(await check(verifier, 'ES256', ec.publicKey, input, signature)).toBe(true);
    expect(await check(verifier, 'ES256', ec.publicKey, input, tampered(signature, 20))).toBe(false);
    // Asked, then the worker stops before answering: the held signatures are checked inline.
    const held = [
      check(verifier, 'ES256', ec.publicKey, input, signature),
      check(verifier, 'ES256', ec.publicKey, input, tampered(signature, 30)),
    ];
    await verifier.close();
    expect(await Promise.all(held)).toEqual([true, false]);
    // Held back behind full batches when the worker stops: answered inline too.
    const restarted = new BatchedSignatureVerifier();
    verifiers.push(restarted);
    const queued = Array.from({ length: 600 }, (_, i) =>
      check(restarted, 'ES256', ec.publicKey, input, i % 2 ? signature : tampered(signature, 50)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await restarted.close();
    expect(await Promise.all(queued)).toEqual(Array.from({ length: 600 }, (_, i) => i % 2 === 1));
    expect(await check(verifier, 'ES256', ec.publicKey, input, signature)).toBe(true);
    expect(await check(verifier, 'ES256', otherEc.publicKey, input, signature)).toBe(false);
  });
});
