import { type CoseSigner, type SignInput, stringifyWire } from '@tallystick/protocol';

const b64 = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes).toString('base64url');

/** A Tallystick JWS (same claims and header as `signMessage`) signed inside the PSD: the key never leaves it. */
export async function signMessageWithPsd<Body>(signer: CoseSigner, input: SignInput<Body>): Promise<string> {
  const claims = {
    mty: input.mty,
    iss: input.iss,
    aud: input.aud,
    iat: Math.floor((input.nowMs ?? Date.now()) / 1000),
    jti: input.jti ?? crypto.randomUUID(),
    ...(input.txn !== undefined ? { txn: input.txn } : {}),
    body: input.body,
  };
  const signingInput = `${b64(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: 'tally+jws' }))}.${b64(stringifyWire(claims))}`;
  return `${signingInput}.${b64(await signer.sign(new TextEncoder().encode(signingInput)))}`;
}
