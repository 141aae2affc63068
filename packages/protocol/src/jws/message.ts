import { base64url } from 'jose';
import { defaultCryptoProvider } from '../crypto/default.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { isSigningAlgorithm } from './algorithms.ts';
import { JwsVerifyError } from './errors.ts';
import type { SigningKey, VerificationKey } from './keys.ts';
import type { ReplayGuard } from './replay.ts';

/** Every signed Tallystick message (DESIGN §6): who, to whom, when, which message, which transaction. */
export interface MessageClaims {
  /** Message type, e.g. `tally.initiation`. */
  readonly mty: string;
  readonly iss: string;
  readonly aud: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Unique message id: the replay key. */
  readonly jti: string;
  /** Transaction id, where the message belongs to one. */
  readonly txn?: string;
}

export interface SignedMessage<Body> extends MessageClaims {
  readonly body: Body;
}

export const JWS_BYTES_MAX = 64 * 1024;
export const CLOCK_SKEW_SECONDS_MAX = 300;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SignInput<Body> {
  readonly mty: string;
  readonly iss: string;
  readonly aud: string;
  readonly txn?: string;
  readonly jti?: string;
  readonly body: Body;
  readonly nowMs?: number;
  /** Defaults to the platform's (node:crypto on Node, WebCrypto elsewhere). */
  readonly crypto?: CryptoProvider;
}

/** Serialises bigint as a decimal string: amounts on the wire are strings of minor units. */
export function stringifyWire(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

export async function signMessage<Body>(key: SigningKey, input: SignInput<Body>): Promise<string> {
  const claims: SignedMessage<Body> = {
    mty: input.mty,
    iss: input.iss,
    aud: input.aud,
    iat: Math.floor((input.nowMs ?? Date.now()) / 1000),
    jti: input.jti ?? crypto.randomUUID(),
    ...(input.txn !== undefined ? { txn: input.txn } : {}),
    body: input.body,
  };
  const header = base64url.encode(stringifyWire({ alg: key.alg, kid: key.kid, typ: 'tally+jws' }));
  const signingInput = `${header}.${base64url.encode(stringifyWire(claims))}`;
  const provider = input.crypto ?? defaultCryptoProvider;
  const signature = await provider.sign(key.alg, key.privateKey, encoder.encode(signingInput));
  return `${signingInput}.${base64url.encode(signature)}`;
}

/** Finds the key for a `kid`, with the issuer that key belongs to. */
export type KeyResolver = (
  kid: string,
) => Promise<{ readonly key: VerificationKey; readonly issuer: string } | undefined>;

export interface VerifyOptions {
  readonly resolveKey: KeyResolver;
  readonly expectedType: string | readonly string[];
  readonly audience: string;
  readonly replayGuard?: ReplayGuard;
  readonly transactionId?: string;
  readonly nowMs?: number;
  readonly clockSkewSecondsMax?: number;
  /** Defaults to the platform's (node:crypto on Node, WebCrypto elsewhere). */
  readonly crypto?: CryptoProvider;
}

/**
 * Verifies a compact JWS and returns its claims. The order matters: size,
 * header, algorithm allowlist, key, signature; only then is the payload parsed.
 */
export async function verifyMessage(
  compact: string,
  options: VerifyOptions,
): Promise<SignedMessage<unknown>> {
  if (typeof compact !== 'string' || compact.length > JWS_BYTES_MAX)
    throw new JwsVerifyError('jws_too_large');
  const parts = splitCompact(compact);
  const header = readHeader(parts.header);
  if (!isSigningAlgorithm(header.alg)) throw new JwsVerifyError('jws_alg_not_allowed', String(header.alg));
  // No extension is understood, so none may be declared critical (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new JwsVerifyError('jws_malformed', 'crit is not supported');
  if (typeof header.kid !== 'string') throw new JwsVerifyError('jws_malformed', 'no kid');
  const found = await options.resolveKey(header.kid);
  if (!found || found.key.alg !== header.alg) throw new JwsVerifyError('jws_key_unknown', header.kid);
  const provider = options.crypto ?? defaultCryptoProvider;
  const signature = decodePart(parts.signature);
  const signingInput = encoder.encode(compact.slice(0, parts.signingInputLength));
  if (!(await provider.verify(found.key.alg, found.key.key, signature, signingInput))) {
    throw new JwsVerifyError('jws_signature_invalid');
  }
  // Only now, with the signature verified, is the payload decoded and read.
  const claims = parseClaims(decodePart(parts.payload));
  checkClaims(claims, found.issuer, options);
  if (options.replayGuard) {
    const skew = options.clockSkewSecondsMax ?? CLOCK_SKEW_SECONDS_MAX;
    const fresh = await options.replayGuard.remember(claims.iss, claims.jti, (claims.iat + skew) * 1000);
    if (!fresh) throw new JwsVerifyError('jws_replayed', claims.jti);
  }
  return claims;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface CompactParts {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
  /** Length of `header.payload`, the bytes the signature covers. */
  readonly signingInputLength: number;
}

function splitCompact(compact: string): CompactParts {
  const parts = compact.split('.');
  if (parts.length !== 3) throw new JwsVerifyError('jws_malformed');
  const [header = '', payload = '', signature = ''] = parts;
  if (header === '' || !parts.every((part) => BASE64URL.test(part))) {
    throw new JwsVerifyError('jws_malformed', 'not base64url');
  }
  return { header, payload, signature, signingInputLength: header.length + 1 + payload.length };
}

/** base64url text that no byte string encodes to (length 4n + 1) is malformed, not a crash. */
function decodePart(encoded: string): Uint8Array {
  try {
    return base64url.decode(encoded);
  } catch {
    throw new JwsVerifyError('jws_malformed', 'not base64url');
  }
}

function readHeader(encoded: string): { alg?: unknown; kid?: unknown; crit?: unknown } {
  let header: unknown;
  try {
    header = JSON.parse(decoder.decode(base64url.decode(encoded)));
  } catch {
    throw new JwsVerifyError('jws_malformed', 'unreadable protected header');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new JwsVerifyError('jws_malformed', 'the protected header is not an object');
  }
  return header as { alg?: unknown; kid?: unknown; crit?: unknown };
}

function parseClaims(payload: Uint8Array): SignedMessage<unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(decoder.decode(payload));
  } catch {
    throw new JwsVerifyError('jws_claims_invalid', 'payload is not JSON');
  }
  if (typeof claims !== 'object' || claims === null) throw new JwsVerifyError('jws_claims_invalid');
  const c = claims as Record<string, unknown>;
  const ok =
    typeof c.mty === 'string' &&
    typeof c.iss === 'string' &&
    typeof c.aud === 'string' &&
    Number.isSafeInteger(c.iat) &&
    typeof c.jti === 'string' &&
    c.jti.length > 0 &&
    c.jti.length <= 128 &&
    (c.txn === undefined || typeof c.txn === 'string') &&
    'body' in c;
  if (!ok) throw new JwsVerifyError('jws_claims_invalid');
  return claims as SignedMessage<unknown>;
}

function checkClaims(claims: SignedMessage<unknown>, keyOwner: string, options: VerifyOptions): void {
  const types = typeof options.expectedType === 'string' ? [options.expectedType] : options.expectedType;
  if (!types.includes(claims.mty)) throw new JwsVerifyError('jws_wrong_type', claims.mty);
  if (claims.iss !== keyOwner) throw new JwsVerifyError('jws_wrong_issuer', claims.iss);
  if (claims.aud !== options.audience) throw new JwsVerifyError('jws_wrong_audience', claims.aud);
  if (options.transactionId !== undefined && claims.txn !== options.transactionId) {
    throw new JwsVerifyError('jws_wrong_transaction');
  }
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const skew = options.clockSkewSecondsMax ?? CLOCK_SKEW_SECONDS_MAX;
  if (Math.abs(nowSeconds - claims.iat) > skew) throw new JwsVerifyError('jws_stale');
}
