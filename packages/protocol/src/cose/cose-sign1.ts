import { decode, encode, Tag } from 'cbor2';
import type { SigningAlgorithm } from '../jws/algorithms.ts';
import type { VerificationKey } from '../jws/keys.ts';

/** COSE_Sign1 (RFC 9052 §4.2), tag 18; `alg` and `kid` both in the protected (signed) header. */
export const COSE_SIGN1_TAG = 18;
const HEADER_ALG = 1;
const HEADER_KID = 4;
/** COSE algorithm ids (IANA): ES256 = -7, EdDSA = -8. */
export const COSE_ALG: { readonly [k in SigningAlgorithm]: number } = { ES256: -7, EdDSA: -8 };

/** Something that signs without handing out its key: a PSD, or a SigningKey wrapped by `signerOf`. */
export interface CoseSigner {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export interface CoseSign1 {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly payload: Uint8Array;
}

const ENCODE = { cde: true } as const;
const DECODE = { preferMap: true, rejectDuplicateKeys: true } as const;

/** WebCrypto signs ECDSA as r||s (IEEE P1363), which is exactly COSE's form; Ed25519 is raw too. */
export function webCryptoParams(alg: SigningAlgorithm): AlgorithmIdentifier | EcdsaParams {
  return alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
}

export function signerOf(key: { kid: string; alg: SigningAlgorithm; privateKey: CryptoKey }): CoseSigner {
  return {
    kid: key.kid,
    alg: key.alg,
    sign: async (data) =>
      new Uint8Array(
        await crypto.subtle.sign(webCryptoParams(key.alg), key.privateKey, data as BufferSource),
      ),
  };
}

function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encode(['Signature1', protectedBytes, new Uint8Array(0), payload], ENCODE);
}

export async function signCoseSign1(signer: CoseSigner, payload: Uint8Array): Promise<Uint8Array> {
  const protectedBytes = encode(
    new Map<number, unknown>([
      [HEADER_ALG, COSE_ALG[signer.alg]],
      [HEADER_KID, new TextEncoder().encode(signer.kid)],
    ]),
    ENCODE,
  );
  const signature = await signer.sign(sigStructure(protectedBytes, payload));
  return encode(new Tag(COSE_SIGN1_TAG, [protectedBytes, new Map(), payload, signature]), ENCODE);
}

export type CoseError =
  | 'cose_malformed'
  | 'cose_alg_not_allowed'
  | 'cose_key_unknown'
  | 'cose_signature_invalid';

/** Parses without verifying: only to learn which key to look up. Non-canonical bytes are refused. */
export function parseCoseSign1(
  bytes: Uint8Array,
):
  | { readonly header: CoseSign1; readonly protectedBytes: Uint8Array; readonly signature: Uint8Array }
  | CoseError {
  let value: unknown;
  try {
    value = decode(bytes, DECODE);
    if (!sameBytes(encode(value, ENCODE), bytes)) return 'cose_malformed';
  } catch {
    return 'cose_malformed';
  }
  if (!(value instanceof Tag) || Number(value.tag) !== COSE_SIGN1_TAG) return 'cose_malformed';
  const parts = value.contents;
  if (!Array.isArray(parts) || parts.length !== 4) return 'cose_malformed';
  const [protectedBytes, unprotected, payload, signature] = parts as unknown[];
  if (
    !(
      protectedBytes instanceof Uint8Array &&
      payload instanceof Uint8Array &&
      signature instanceof Uint8Array
    )
  ) {
    return 'cose_malformed';
  }
  if (!(unprotected instanceof Map) || unprotected.size !== 0) return 'cose_malformed';
  let header: unknown;
  try {
    header = decode(protectedBytes, DECODE);
  } catch {
    return 'cose_malformed';
  }
  if (!(header instanceof Map) || header.size !== 2) return 'cose_malformed';
  const algId = header.get(HEADER_ALG);
  const kidBytes = header.get(HEADER_KID);
  const alg = (Object.keys(COSE_ALG) as SigningAlgorithm[]).find((a) => COSE_ALG[a] === algId);
  if (!alg) return 'cose_alg_not_allowed';
  if (!(kidBytes instanceof Uint8Array)) return 'cose_malformed';
  const kid = new TextDecoder('utf-8', { fatal: true }).decode(kidBytes);
  return { header: { kid, alg, payload }, protectedBytes, signature };
}

/** Verifies with the key the resolver trusts for the `kid`; the key's algorithm must be the header's. */
export async function verifyCoseSign1(
  bytes: Uint8Array,
  resolveKey: (kid: string) => Promise<VerificationKey | undefined> | VerificationKey | undefined,
): Promise<CoseSign1 | CoseError> {
  const parsed = parseCoseSign1(bytes);
  if (typeof parsed === 'string') return parsed;
  const key = await resolveKey(parsed.header.kid);
  if (!key) return 'cose_key_unknown';
  if (key.alg !== parsed.header.alg) return 'cose_alg_not_allowed';
  const ok = await crypto.subtle.verify(
    webCryptoParams(key.alg),
    key.key,
    parsed.signature as BufferSource,
    sigStructure(parsed.protectedBytes, parsed.header.payload) as BufferSource,
  );
  return ok ? parsed.header : 'cose_signature_invalid';
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
