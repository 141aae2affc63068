/** What an indicium evidences (DESIGN §9): a payment, an entry permission, or a whole transaction. */
export const INDICIUM_KINDS = ['payment', 'ticket', 'certificate'] as const;
export type IndiciumKind = (typeof INDICIUM_KINDS)[number];

/** A ticket's entry data. */
export interface EntryData {
  readonly event: string;
  readonly seat?: string;
  readonly gate?: string;
  /** Seconds since the epoch. */
  readonly validFrom: number;
  readonly validUntil: number;
}

/**
 * The signed particulars. Parties appear by id or pseudonym only. Amounts
 * are decimal strings of minor units, as on every Tallystick wire.
 */
export interface IndiciumParticulars {
  readonly kind: IndiciumKind;
  /** The item's own id (the replay key for a check-in). */
  readonly id: string;
  /** The purchase (request) it belongs to. */
  readonly transactionId: string;
  readonly operatorId: string;
  readonly merchantId: string;
  /** The customer's pseudonym toward this merchant, never its account id. */
  readonly customer: string;
  readonly amountMinor: string;
  readonly currency: string;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  /** SHA-256 (hex) of the purchase's item list in its canonical form. */
  readonly itemsHash: string;
  readonly description: string;
  readonly entry?: EntryData;
  /** The issuing PSD's registers after this indicium, as a postage meter prints them. */
  readonly register?: { readonly pieceCount: number; readonly ascendingMinor: string };
}

/** Verified result: the particulars, the human-readable text they bind, who signed, and opened private fields. */
export interface VerifiedIndicium {
  readonly particulars: IndiciumParticulars;
  readonly text: string;
  readonly issuer: string;
  readonly kid: string;
  /** Present only when the indicium had private fields and the verifier's key opened them. */
  readonly privateFields?: Readonly<Record<string, string>>;
  /** True when there are sealed private fields (opened or not). */
  readonly hasPrivateFields: boolean;
}

/** Prefix of the string form: Tallystick indicium, version 1 (after the EU DCC's `HC1:`). */
export const INDICIUM_PREFIX = 'TS1:';
/** Largest string form accepted: a QR code version 40 in alphanumeric mode holds 4,296 characters. */
export const INDICIUM_CHARS_MAX = 4_296;

export const INDICIUM_ERRORS = [
  'indicium_malformed',
  'indicium_too_large',
  'indicium_encoding_invalid',
  'indicium_alg_not_allowed',
  'indicium_key_unknown',
  'indicium_signature_invalid',
  'indicium_issuer_mismatch',
  'indicium_text_mismatch',
] as const;
export type IndiciumError = (typeof INDICIUM_ERRORS)[number];

export const INDICIUM_ERROR_MESSAGES: { readonly [k in IndiciumError]: string } = {
  indicium_malformed: 'the indicium is not a well-formed Tallystick indicium',
  indicium_too_large: 'the indicium is longer than any QR code holds',
  indicium_encoding_invalid: 'the indicium is not canonically encoded (base45, zlib, CBOR): it was altered',
  indicium_alg_not_allowed: 'the indicium is signed with an algorithm that is not allowed',
  indicium_key_unknown: 'the signing key is not in the trust list',
  indicium_signature_invalid: 'the signature does not match the particulars: the indicium was altered',
  indicium_issuer_mismatch: 'the signing key does not belong to the issuer the indicium names',
  indicium_text_mismatch: 'the human-readable text does not match the signed particulars',
};
