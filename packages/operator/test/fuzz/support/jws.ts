import type { SigningKey } from '@tallystick/protocol';
import { base64url, CompactSign } from 'jose';

/** Who signs a JWS field of a route, and what a valid body of it looks like. */
export interface JwsSpec {
  readonly key: SigningKey;
  readonly mty: string;
  readonly iss: string;
  readonly aud: string;
  readonly txn?: string;
  readonly body: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Bad values per body field (raw JSON text), each of which must be refused. */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /** Fields whose absence is valid: never removed as a mutation. */
  readonly optional?: readonly string[];
}

const enc = new TextEncoder();
const b64 = (text: string) => base64url.encode(enc.encode(text));

/** Claims as raw JSON text, so a body may hold what JSON.stringify cannot write (1e309). */
export function claimsText(
  spec: JwsSpec,
  bodyText: string,
  overrides: { mty?: string; aud?: string; iss?: string; iatSeconds?: number } = {},
): string {
  const claims = {
    mty: overrides.mty ?? spec.mty,
    iss: overrides.iss ?? spec.iss,
    aud: overrides.aud ?? spec.aud,
    iat: overrides.iatSeconds ?? Math.floor(Date.now() / 1000),
    jti: crypto.randomUUID(),
    ...(spec.txn !== undefined ? { txn: spec.txn } : {}),
    body: '__BODY__',
  };
  return JSON.stringify(claims).replace('"__BODY__"', bodyText);
}

/** A compact JWS over any payload text, with any protected header, signed by `key`. */
export async function signRaw(
  key: SigningKey,
  payload: string,
  header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'tally+jws' },
): Promise<string> {
  return new CompactSign(enc.encode(payload))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}

/** An unsigned JWS with a header of our choosing (alg none, broken kids). */
export function unsigned(header: unknown, payload: string, signature = ''): string {
  return `${b64(JSON.stringify(header))}.${b64(payload)}.${signature}`;
}

export function rawJws(headerText: string, payload: string, signature: string): string {
  return `${b64(headerText)}.${b64(payload)}.${signature}`;
}

/** A valid body's JSON text with one field replaced by raw JSON text (or removed when undefined). */
export function withField(body: Record<string, unknown>, field: string, raw: string | undefined): string {
  if (raw === undefined) {
    const { [field]: _gone, ...rest } = body;
    return JSON.stringify(rest);
  }
  return JSON.stringify({ ...body, [field]: '__FIELD__' }).replace('"__FIELD__"', raw);
}
