import { isAscii } from 'node:buffer';
import { PAYMENT_HEADER_BYTES_MAX, type X402Error } from '@tallystick/protocol';
import { scanPayword } from './payword-scan.ts';

/** Fatal, as the protocol's decoder: invalid UTF-8 is a malformed header, not replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The merchant's hot-path twin of the protocol's `decodePaymentHeader` (same
 * answers): checks the length before reading anything, the alphabet while
 * decoding, and decodes UTF-8 only when there is a non-ASCII byte.
 */
export function decodeHeader(
  header: string,
  bytesMax: number = PAYMENT_HEADER_BYTES_MAX,
): Record<string, unknown> | X402Error {
  if (header.length > bytesMax) return 'payment_header_too_large';
  if (header.length === 0 || header.length % 4 !== 0) return 'payment_header_malformed';
  // Buffer skips characters outside the alphabet (and reads base64url's too): a full-length decode and no
  // `-`/`_` prove the header was standard base64.
  const bytes = Buffer.from(header, 'base64');
  const padding = header.endsWith('==') ? 2 : header.endsWith('=') ? 1 : 0;
  if (bytes.length !== (header.length / 4) * 3 - padding || header.includes('-') || header.includes('_')) {
    return 'payment_header_malformed';
  }
  let value: unknown;
  try {
    // The bytes are UTF-8; ASCII (checked with SIMD) is its own UTF-8 and decodes as latin1, three times cheaper.
    value = JSON.parse(isAscii(bytes) ? bytes.toString('latin1') : UTF8.decode(bytes));
  } catch {
    return 'payment_header_malformed';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'payment_header_malformed';
}

/** base64 of a JSON text already serialised: `btoa` for ASCII (receipts are), about five times cheaper than a Buffer. */
export function encodeHeader(json: string): string {
  return isAsciiText(json) ? btoa(json) : Buffer.from(json, 'utf8').toString('base64');
}

/** A loop: cheaper than a regex for the short texts of the hot path (a receipt is ~130 characters). */
function isAsciiText(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A learned constant start of `PAYMENT-SIGNATURE` headers: everything before the `payload` value. */
interface KnownPrefix {
  /** The base64 of the prefix's first whole 3-byte groups. */
  readonly base64: string;
  /** The prefix's last 0-2 bytes (ASCII), which share a base64 group with the payload. */
  readonly tail: string;
  /** `prefix + 'null}'` parsed, deep-frozen: the envelope without its payload. */
  readonly envelope: Readonly<Record<string, unknown>>;
}

const PAYLOAD_KEY = '"payload":';
const PREFIXES_MAX = 8;
/** After a miss that could not be learned, the next this-many misses do not try again (a learning costs a parse). */
const LEARN_EVERY = 64;

/**
 * `decodeHeader` (same answers) for a stream of headers that mostly share
 * their start: every client of a route echoes the same `accepted` offer, so
 * only the part from the `payload` value on differs between payments. That
 * constant start is decoded and parsed once; a later header that begins with
 * the same base64 has only its own tail decoded and its payload value parsed
 * (each payment is still decoded and checked in full: the shared part is
 * byte-identical). Anything unusual (non-ASCII, keys after `payload`) takes
 * the full decode.
 *
 * Sound because JSON is context-free: `prefix + 'null}'` parsing as an object
 * means the prefix ends where the top-level object expects a value, so
 * `prefix + value + '}'` parses as that object with `payload` set to `value`.
 */
export class PaymentHeaderDecoder {
  readonly #prefixes: KnownPrefix[] = [];
  #missesToSkip = 0;
  constructor(private readonly bytesMax: number = PAYMENT_HEADER_BYTES_MAX) {}

  decode(header: string): Record<string, unknown> | X402Error {
    if (header.length <= this.bytesMax && header.length % 4 === 0) {
      for (const known of this.#prefixes) {
        // `slice` + `===` (a memory compare), not `startsWith`: V8's is a character loop, ~30x slower here.
        if (header.length > known.base64.length && header.slice(0, known.base64.length) === known.base64) {
          const value = withPrefix(known, header);
          if (value !== undefined) return value;
          break;
        }
      }
    }
    const decoded = decodeHeader(header, this.bytesMax);
    if (typeof decoded === 'object') this.#learn(header);
    return decoded;
  }

  #learn(header: string): void {
    if (this.#missesToSkip > 0) {
      this.#missesToSkip--;
      return;
    }
    const known = learnPrefix(header);
    if (known === undefined) {
      this.#missesToSkip = LEARN_EVERY;
      return;
    }
    if (this.#prefixes.length >= PREFIXES_MAX) this.#prefixes.pop();
    this.#prefixes.unshift(known);
  }
}

/** The payload part of a header known to start with `known.base64`; undefined to take the full decode. */
function withPrefix(known: KnownPrefix, header: string): Record<string, unknown> | undefined {
  const from = known.base64.length;
  const bytes = Buffer.from(header.slice(from), 'base64');
  const padding = header.endsWith('==') ? 2 : header.endsWith('=') ? 1 : 0;
  if (
    bytes.length !== ((header.length - from) / 4) * 3 - padding ||
    header.includes('-', from) ||
    header.includes('_', from) ||
    !isAscii(bytes)
  ) {
    return undefined;
  }
  const text = bytes.toString('latin1');
  if (!text.startsWith(known.tail) || text.charCodeAt(text.length - 1) !== 0x7d /* } */) return undefined;
  let payload: unknown = scanPayword(text, known.tail.length, text.length - 1);
  if (payload === undefined) {
    try {
      payload = JSON.parse(text.slice(known.tail.length, -1));
    } catch {
      return undefined;
    }
  }
  return { ...known.envelope, payload };
}

/** The constant start of a valid ASCII header whose last key is `payload`, or undefined. */
function learnPrefix(header: string): KnownPrefix | undefined {
  const bytes = Buffer.from(header, 'base64');
  if (!isAscii(bytes)) return undefined;
  const text = bytes.toString('latin1');
  const at = text.lastIndexOf(PAYLOAD_KEY);
  if (at < 0) return undefined;
  const end = at + PAYLOAD_KEY.length;
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${text.slice(0, end)}null}`);
  } catch {
    return undefined;
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return undefined;
  const whole = end - (end % 3);
  const { payload: _payload, ...rest } = envelope as Record<string, unknown>;
  return {
    base64: header.slice(0, (whole / 3) * 4),
    tail: text.slice(whole, end),
    envelope: deepFreeze(rest),
  };
}

/** Shared by every request that hits the prefix: nothing downstream may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
