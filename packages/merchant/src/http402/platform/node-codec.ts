import { PAYMENT_HEADER_BYTES_MAX, type X402Error } from '@tallystick/protocol';

/**
 * The Node twin of the protocol's `decodePaymentHeader` (same answers, Buffer
 * instead of atob): the merchant's hot path. Checks the length before
 * reading anything, the alphabet before decoding.
 */
export function decodeHeader(
  header: string,
  bytesMax: number = PAYMENT_HEADER_BYTES_MAX,
): Record<string, unknown> | X402Error {
  if (header.length > bytesMax) return 'payment_header_too_large';
  if (header.length === 0 || header.length % 4 !== 0) return 'payment_header_malformed';
  // Buffer skips characters outside the alphabet: a full-length decode proves there were none.
  const bytes = Buffer.from(header, 'base64');
  const padding = header.endsWith('==') ? 2 : header.endsWith('=') ? 1 : 0;
  if (bytes.length !== (header.length / 4) * 3 - padding) return 'payment_header_malformed';
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'payment_header_malformed';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'payment_header_malformed';
}

/** base64 of a JSON text already serialised. */
export function encodeHeader(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64');
}
