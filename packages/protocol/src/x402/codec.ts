import { PAYMENT_HEADER_BYTES_MAX } from './constants.ts';
import type { X402Error } from './errors.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const NON_ASCII = /[\u0080-\uffff]/;

/** base64 (standard alphabet, padded) of the UTF-8 JSON: the x402 v2 header encoding. bigint becomes a decimal string. */
export function encodePaymentHeader(value: unknown): string {
  const json = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  // ASCII (the usual case: ids, digits, hex) is its own UTF-8: straight to btoa.
  if (!NON_ASCII.test(json)) return btoa(json);
  const bytes = encoder.encode(json);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes an x402 header into a JSON object, refusing anything longer than
 * `bytesMax` before reading it. Isomorphic (atob); the merchant's Node hot
 * path has its own twin.
 */
export function decodePaymentHeader(
  header: string | null | undefined,
  bytesMax: number = PAYMENT_HEADER_BYTES_MAX,
): Record<string, unknown> | X402Error {
  if (typeof header !== 'string' || header.length === 0) return 'payment_header_malformed';
  if (header.length > bytesMax) return 'payment_header_too_large';
  if (!BASE64.test(header)) return 'payment_header_malformed';
  try {
    const binary = atob(header);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const value: unknown = JSON.parse(decoder.decode(bytes));
    return isPlainObject(value) ? value : 'payment_header_malformed';
  } catch {
    return 'payment_header_malformed';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
