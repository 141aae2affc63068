import { decode, encode } from 'cbor2';

/** CWT claim keys (RFC 8392 §3.1.1). */
export const CWT = { iss: 1, sub: 2, aud: 3, exp: 4, nbf: 5, iat: 6, cti: 7 } as const;
/** Private claim holding a Tallystick indicium (negative, so it never collides with a registered one). */
export const CWT_TALLY_CLAIM = -70_001;

export interface CwtClaims {
  readonly iss: string;
  readonly sub?: string;
  readonly iat: number;
  readonly exp?: number;
  readonly cti: Uint8Array;
  /** The application claim, a CBOR-encodable value. */
  readonly tally: unknown;
}

export function encodeCwt(claims: CwtClaims): Uint8Array {
  const map = new Map<number, unknown>([
    [CWT.iss, claims.iss],
    [CWT.iat, claims.iat],
    [CWT.cti, claims.cti],
    [CWT_TALLY_CLAIM, claims.tally],
  ]);
  if (claims.sub !== undefined) map.set(CWT.sub, claims.sub);
  if (claims.exp !== undefined) map.set(CWT.exp, claims.exp);
  return encode(map, { cde: true });
}

export function decodeCwt(bytes: Uint8Array): CwtClaims | undefined {
  let map: unknown;
  try {
    map = decode(bytes, { preferMap: true, rejectDuplicateKeys: true });
  } catch {
    return undefined;
  }
  if (!(map instanceof Map)) return undefined;
  const iss = map.get(CWT.iss);
  const iat = map.get(CWT.iat);
  const cti = map.get(CWT.cti);
  const sub = map.get(CWT.sub);
  const exp = map.get(CWT.exp);
  if (typeof iss !== 'string' || typeof iat !== 'number' || !(cti instanceof Uint8Array)) return undefined;
  if (sub !== undefined && typeof sub !== 'string') return undefined;
  if (exp !== undefined && typeof exp !== 'number') return undefined;
  if (!map.has(CWT_TALLY_CLAIM)) return undefined;
  return {
    iss,
    iat,
    cti,
    tally: map.get(CWT_TALLY_CLAIM),
    ...(sub !== undefined ? { sub } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}
