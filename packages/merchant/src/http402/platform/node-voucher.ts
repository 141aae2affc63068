import { createHash, createPublicKey, hash, type KeyObject, verify } from 'node:crypto';
import {
  encodePurchase,
  isValidPurchase,
  type PublicJwk,
  type Purchase,
  type PurchaseListState,
  type SigningAlgorithm,
} from '@tallystick/protocol';

/** A compact JWS split and its JSON parts parsed; nothing verified yet. */
export interface ParsedJws {
  readonly alg: unknown;
  readonly kid: unknown;
  readonly claims: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Splits a compact JWS. The claims are read before the signature is checked
 * only to find the transaction (and so the key) it claims to belong to; no
 * other decision is taken on them before `verifySignature`.
 */
export function parseCompactJws(compact: string): ParsedJws | undefined {
  const first = compact.indexOf('.');
  const second = compact.indexOf('.', first + 1);
  if (first < 1 || second < 0 || compact.indexOf('.', second + 1) >= 0) return undefined;
  const h = compact.slice(0, first);
  const p = compact.slice(first + 1, second);
  const s = compact.slice(second + 1);
  if (!B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s)) return undefined;
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null) return undefined;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    return {
      alg: header.alg,
      kid: header.kid,
      claims: claims as Record<string, unknown>,
      signingInput: compact.slice(0, second),
      signature: Buffer.from(s, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** A session key as a node:crypto KeyObject: imported once per transaction. */
export function nodeKeyOf(jwk: PublicJwk): KeyObject {
  const { kty, crv, x, y } = jwk as { kty: string; crv: string; x: string; y?: string };
  return createPublicKey({ key: { kty, crv, x, ...(y !== undefined ? { y } : {}) }, format: 'jwk' });
}

/**
 * ES256 or EdDSA, synchronously through OpenSSL. The JWS form of an ES256
 * signature (raw r‖s) is turned into DER here: `verify` with a bare
 * KeyObject skips the per-call key-option parsing, about a quarter of the cost.
 */
export function verifySignature(
  alg: SigningAlgorithm,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  const data = Buffer.from(signingInput, 'latin1');
  try {
    if (alg !== 'ES256') return verify(null, data, key, signature);
    const der = p1363ToDer(signature);
    return der !== undefined && verify('sha256', data, key, der);
  } catch {
    return false;
  }
}

/** r‖s (32 bytes each) to DER `SEQUENCE { INTEGER r, INTEGER s }`; undefined when not 64 bytes. */
export function p1363ToDer(signature: Buffer): Buffer | undefined {
  if (signature.length !== 64) return undefined;
  const r = derInteger(signature.subarray(0, 32));
  const s = derInteger(signature.subarray(32));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  const pad = (body[0] as number) & 0x80 ? 1 : 0;
  const out = Buffer.alloc(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  body.copy(out, 2 + pad);
  return out;
}

/** `appendPurchase` (session/purchase-list.ts) with a synchronous node:crypto hash; same states. */
export function appendPurchaseSync(
  state: PurchaseListState,
  purchase: Purchase,
): PurchaseListState | undefined {
  if (purchase.seq !== state.count + 1 || !isValidPurchase(purchase)) return undefined;
  const hashHex = createHash('sha256')
    .update(Buffer.from(state.hashHex, 'hex'))
    .update(encodePurchase(purchase))
    .digest('hex');
  return Object.freeze({
    transactionId: state.transactionId,
    count: purchase.seq,
    totalMinor: state.totalMinor + purchase.priceMinor,
    hashHex,
  });
}

/** SHA-256 step for PayWord meters: node:crypto's one-shot hash (no Hash object). */
export function sha256Node(value: Uint8Array): Uint8Array {
  return hash('sha256', value, 'buffer');
}
