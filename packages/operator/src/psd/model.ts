import type { CoseSigner, Sealed, SigningAlgorithm } from '@tallystick/protocol';

/** A public signing key the PSD holds the private half of. */
export interface PsdKeyInfo {
  readonly label: string;
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: Readonly<Record<string, string>>;
}

/** A message one PSD sealed for another (seed 000 claim 24): HPKE to the recipient, signed by the sender. */
export interface SealedPackage {
  readonly from: string;
  readonly to: string;
  readonly senderKid: string;
  /** base64url */
  readonly enc: string;
  readonly ct: string;
  readonly sig: string;
}

/** A postage meter's registers (DESIGN §11). control sum = ascending + descending = all ever credited. */
export interface RegisterState {
  readonly register: string;
  readonly seq: bigint;
  readonly ascendingMinor: bigint;
  readonly descendingMinor: bigint;
  readonly pieceCount: bigint;
  readonly controlSumMinor: bigint;
  readonly hash: string;
}

export interface RegisterEntry extends RegisterState {
  readonly psdId: string;
  readonly op: 'credit' | 'debit';
  readonly amountMinor: bigint;
  readonly ref: string;
  readonly prevHash: string;
  readonly signature: string;
  readonly kid: string;
}

export type RegisterError = 'register_insufficient' | 'register_amount_invalid';

/**
 * The secure module interface. Private and secret keys never leave it: the
 * rest of the node gets signers, seals, wraps, and public keys.
 */
export interface Psd {
  readonly id: string;
  /** Creates the signing key under `label` on first use; later calls return the same key. */
  signingKey(label: string): Promise<PsdKeyInfo>;
  signer(label: string): Promise<CoseSigner>;
  /** This PSD's HPKE public key, for others to seal to. */
  exchangeKey(): Promise<{ readonly kid: string; readonly publicJwk: JsonWebKey }>;
  seal(
    recipient: { readonly psdId: string; readonly publicJwk: JsonWebKey },
    plaintext: Uint8Array,
  ): Promise<SealedPackage>;
  /** Undefined when the package is not for this PSD, not from the key given, or altered. */
  open(
    pkg: SealedPackage,
    senderPublicJwk: Readonly<Record<string, string>>,
  ): Promise<Uint8Array | undefined>;
  /** Envelope encryption: wraps a record's data key with the key-encryption key `kekLabel`. */
  wrapKey(kekLabel: string, dataKey: Uint8Array, aad: Uint8Array): Promise<string>;
  unwrapKey(kekLabel: string, wrapped: string, aad: Uint8Array): Promise<Uint8Array | undefined>;
  readonly registers: PsdRegisters;
}

export interface PsdRegisters {
  credit(register: string, amountMinor: bigint, ref: string): Promise<RegisterEntry | RegisterError>;
  /** One piece: ascending += amount, descending -= amount, piece count += 1. */
  debit(register: string, amountMinor: bigint, ref: string): Promise<RegisterEntry | RegisterError>;
  read(register: string): Promise<RegisterState | undefined>;
  entries(register: string): Promise<readonly RegisterEntry[]>;
}

/** Sealed data handed to HPKE helpers. */
export type { Sealed };
