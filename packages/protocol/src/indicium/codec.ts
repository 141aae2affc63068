import { unzlibSync, zlibSync } from 'fflate';
import { base45Decode, base45Encode } from '../cose/base45.ts';
import { type CoseSigner, sameBytes, signCoseSign1, verifyCoseSign1 } from '../cose/cose-sign1.ts';
import { decodeCwt, encodeCwt } from '../cose/cwt.ts';
import {
  INDICIUM_CHARS_MAX,
  INDICIUM_PREFIX,
  type IndiciumError,
  type IndiciumParticulars,
  type VerifiedIndicium,
} from './model.ts';
import { checkParticulars, fromCbor, toCbor } from './particulars.ts';
import { hpkeOpen, hpkeSeal } from './seal.ts';
import { renderIndiciumText } from './text.ts';
import type { TrustResolver } from './trust-list.ts';

const ZLIB_LEVEL = 9;
const encoder = new TextEncoder();

export interface IssueOptions {
  /** Fields only the verifier may read (HPKE-sealed to its exchange key). */
  readonly privateFields?: Readonly<Record<string, string>>;
  readonly verifier?: { readonly kid: string; readonly publicKey: CryptoKey };
  readonly expiresAt?: number;
}

export async function indiciumSha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

export function hexOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Signs the particulars as a CWT in a COSE_Sign1 and packs it as the EU DCC
 * does: CBOR, zlib, base45, a version prefix. Returns the string and the text it binds.
 */
export async function issueIndicium(
  signer: CoseSigner,
  /** The CWT issuer: the operator or merchant id the signing key is published for. */
  issuer: string,
  particulars: IndiciumParticulars,
  options: IssueOptions = {},
): Promise<{ readonly indicium: string; readonly text: string }> {
  const text = renderIndiciumText(particulars);
  const cti = encoder.encode(particulars.id);
  const claim = new Map<string, unknown>([
    ['p', toCbor(particulars)],
    ['t', await indiciumSha256(encoder.encode(text))],
  ]);
  if (options.privateFields) {
    if (!options.verifier) throw new Error('private fields need a verifier key to seal them to');
    const plain = encoder.encode(JSON.stringify(options.privateFields));
    const sealed = await hpkeSeal(options.verifier.publicKey, plain, cti);
    claim.set(
      's',
      new Map<string, unknown>([
        ['k', options.verifier.kid],
        ['e', sealed.enc],
        ['c', sealed.ct],
      ]),
    );
  }
  const payload = encodeCwt({
    iss: issuer,
    iat: particulars.issuedAt,
    cti,
    tally: claim,
    ...(options.expiresAt !== undefined ? { exp: options.expiresAt } : {}),
  });
  const cose = await signCoseSign1(signer, payload);
  return { indicium: INDICIUM_PREFIX + base45Encode(zlibSync(cose, { level: ZLIB_LEVEL })), text };
}

export interface VerifyIndiciumOptions {
  readonly resolveKey: TrustResolver;
  /** Printed text to check against the signed hash (a receipt's); the rendered text is checked always. */
  readonly text?: string;
  /** The verifier's HPKE private key, to open private fields. */
  readonly verifierKey?: CryptoKey;
}

/** Every check before anything is believed; any altered byte of the string fails one of them. */
export async function verifyIndicium(
  indicium: string,
  options: VerifyIndiciumOptions,
): Promise<VerifiedIndicium | IndiciumError> {
  if (indicium.length > INDICIUM_CHARS_MAX) return 'indicium_too_large';
  if (!indicium.startsWith(INDICIUM_PREFIX)) return 'indicium_malformed';
  const compressed = base45Decode(indicium.slice(INDICIUM_PREFIX.length));
  if (!compressed) return 'indicium_encoding_invalid';
  let cose: Uint8Array;
  try {
    cose = unzlibSync(compressed);
  } catch {
    return 'indicium_encoding_invalid';
  }
  // fflate does not check the Adler-32 trailer; re-compressing must give the same bytes.
  if (!sameBytes(zlibSync(cose, { level: ZLIB_LEVEL }), compressed)) return 'indicium_encoding_invalid';
  let issuer = '';
  const verified = await verifyCoseSign1(cose, async (kid) => {
    const found = await options.resolveKey(kid);
    if (found) issuer = found.issuer;
    return found?.key;
  });
  if (typeof verified === 'string') return COSE_TO_INDICIUM[verified];
  const cwt = decodeCwt(verified.payload);
  if (!cwt || !(cwt.tally instanceof Map)) return 'indicium_malformed';
  if (cwt.iss !== issuer) return 'indicium_issuer_mismatch';
  const particulars = fromCbor(cwt.tally.get('p'));
  const textHash = cwt.tally.get('t');
  if (!particulars || !checkParticulars(particulars) || !(textHash instanceof Uint8Array)) {
    return 'indicium_malformed';
  }
  if (particulars.operatorId !== issuer && particulars.merchantId !== issuer)
    return 'indicium_issuer_mismatch';
  const text = renderIndiciumText(particulars);
  if (!sameBytes(await indiciumSha256(encoder.encode(text)), textHash)) return 'indicium_text_mismatch';
  if (
    options.text !== undefined &&
    !sameBytes(await indiciumSha256(encoder.encode(options.text)), textHash)
  ) {
    return 'indicium_text_mismatch';
  }
  const sealed = cwt.tally.get('s');
  const privateFields = await openPrivateFields(sealed, options.verifierKey, encoder.encode(particulars.id));
  return {
    particulars,
    text,
    issuer,
    kid: verified.kid,
    hasPrivateFields: sealed !== undefined,
    ...(privateFields ? { privateFields } : {}),
  };
}

async function openPrivateFields(
  sealed: unknown,
  key: CryptoKey | undefined,
  aad: Uint8Array,
): Promise<Record<string, string> | undefined> {
  if (!(sealed instanceof Map) || !key) return undefined;
  const enc = sealed.get('e');
  const ct = sealed.get('c');
  if (!(enc instanceof Uint8Array) || !(ct instanceof Uint8Array)) return undefined;
  const plain = await hpkeOpen(key, { enc, ct }, aad);
  return plain && (JSON.parse(new TextDecoder().decode(plain)) as Record<string, string>);
}

const COSE_TO_INDICIUM = {
  cose_malformed: 'indicium_malformed',
  cose_alg_not_allowed: 'indicium_alg_not_allowed',
  cose_key_unknown: 'indicium_key_unknown',
  cose_signature_invalid: 'indicium_signature_invalid',
} as const satisfies Record<string, IndiciumError>;
