import { sha256 } from '@noble/hashes/sha2.js';

/**
 * One step of a PayWord chain: `w_{i-1} = H(w_i)`, plain SHA-256 of the 32
 * bytes. Synchronous so a merchant checks a payment without a microtask; a
 * platform may pass a faster one (node:crypto) where `HashStep` is accepted.
 */
export type HashStep = (value: Uint8Array) => Uint8Array;

export const sha256Step: HashStep = (value) => sha256(value);

/** `H^steps(value)`. */
export function hashSteps(value: Uint8Array, steps: number, step: HashStep = sha256Step): Uint8Array {
  let out = value;
  for (let i = 0; i < steps; i++) out = step(out);
  return out;
}

const HEX_32 = /^[0-9a-f]{64}$/;

export function isHash32Hex(value: unknown): value is string {
  return typeof value === 'string' && HEX_32.test(value);
}

export function hexToBytes32(hex: string): Uint8Array {
  if (!isHash32Hex(hex)) throw new Error('expected 64 lowercase hex digits');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
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
