import { sha256 } from '@noble/hashes/sha2.js';

/**
 * One step of a PayWord chain: `w_{i-1} = H(w_i)`, plain SHA-256 of the 32
 * bytes. Synchronous so a merchant checks a payment without a microtask; a
 * platform may pass a faster one (node:crypto) where `HashStep` is accepted.
 */
export type HashStep = (value: Uint8Array) => Uint8Array;

export const sha256Step: HashStep = (value) => sha256(value);

/**
 * The same step on 64 hex digits: the merchant's meter keeps preimages as the
 * hex they arrive in (no byte buffers retained per payment, equality by
 * `===`); node:crypto hashes to hex without allocating an output buffer.
 */
export type HexHashStep = (hex: string) => string;

export const sha256HexStep: HexHashStep = (hex) => bytesToHex(sha256(hexToBytes32(hex)));

/** `H^steps(hex)`. */
export function hexSteps(hex: string, steps: number, step: HexHashStep = sha256HexStep): string {
  let out = hex;
  for (let i = 0; i < steps; i++) out = step(out);
  return out;
}

/** `H^steps(value)`. */
export function hashSteps(value: Uint8Array, steps: number, step: HashStep = sha256Step): Uint8Array {
  let out = value;
  for (let i = 0; i < steps; i++) out = step(out);
  return out;
}

/**
 * 64 lowercase hex digits. A loop, not a regex: it runs on every hash-chain
 * payment (twice), and this is several times cheaper than `/^[0-9a-f]{64}$/`.
 */
export function isHash32Hex(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

export function hexToBytes32(hex: string): Uint8Array {
  if (!isHash32Hex(hex)) throw new Error('expected 64 lowercase hex digits');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** 64 hex digits (already checked by `isHash32Hex`) into `out[at, at + 32)`: no allocation. */
export function writeHex32(hex: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < 32; i++)
    out[at + i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
}

/** A lowercase hex digit's value (the caller checked the alphabet). */
function nibble(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
