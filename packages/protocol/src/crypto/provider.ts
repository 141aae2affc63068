import type { SigningAlgorithm } from '../jws/algorithms.ts';

/** A result that may already be there (node:crypto) or still to come (WebCrypto). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The signature and hash primitives the protocol uses on its hot path: every
 * JWS and every purchase-list step. WebCrypto is the isomorphic default; on
 * Node `platform/node-crypto.ts` does the same synchronously through OpenSSL,
 * several times cheaper per call (no promise job, no key re-import).
 * Signatures are in JWS form: raw r‖s (64 bytes) for ES256, raw for EdDSA.
 * Implementations must give identical bytes for `sha256` and mutually
 * verifiable signatures.
 */
export interface CryptoProvider {
  readonly name: string;
  /**
   * Whether private keys are generated and imported extractable. WebCrypto
   * keeps them sealed (a browser script cannot read them out); node:crypto
   * must read them into OpenSSL, and in a server process sealing protects
   * nothing.
   */
  readonly extractablePrivateKeys: boolean;
  sign(alg: SigningAlgorithm, privateKey: CryptoKey, data: Uint8Array): MaybePromise<Uint8Array>;
  /** False for a wrong or malformed signature; never throws for bad input. */
  verify(
    alg: SigningAlgorithm,
    publicKey: CryptoKey,
    signature: Uint8Array,
    data: Uint8Array,
  ): MaybePromise<boolean>;
  sha256(data: Uint8Array): MaybePromise<Uint8Array>;
}
