/*
 * A reader for the one JSON text the hash-chain hot path sees most: a
 * `tally-payword` payload in the order the wallet writes it,
 * `{"transactionId":"…","index":N,"units":N,"preimage":"<64 hex>"}`, with no
 * whitespace or escapes. In the bench's server, JSON.parse with its object
 * cost 5-7 µs per paid request over HTTP (far more than it takes in a loop);
 * this reads the same text with charCodeAt and two substrings.
 *
 * It answers only when its answer is JSON.parse's: the same keys in the same
 * order and the same values. Anything else (another order, whitespace, an
 * escape, a long number, an upper-case digit) is `undefined`, and the caller
 * parses the text as JSON.
 */

const ID_KEY = '{"transactionId":"';
const INDEX_KEY = '","index":';
const UNITS_KEY = ',"units":';
const PREIMAGE_KEY = ',"preimage":"';
const PREIMAGE_CHARS = 64;
/** Up to 15 digits a JSON number is an exact integer, so reading it digit by digit gives JSON.parse's value. */
const DIGITS_MAX = 15;

export interface ScannedPayword {
  readonly transactionId: string;
  readonly index: number;
  readonly units: number;
  readonly preimage: string;
}

/** The payload in `text[from, to)`, or undefined to let JSON.parse decide. */
export function scanPayword(text: string, from: number, to: number): ScannedPayword | undefined {
  if (!text.startsWith(ID_KEY, from)) return undefined;
  const idFrom = from + ID_KEY.length;
  const idTo = endOfPlainString(text, idFrom, to);
  if (idTo < 0 || !text.startsWith(INDEX_KEY, idTo)) return undefined;
  const index = readInteger(text, idTo + INDEX_KEY.length, to);
  if (index < 0 || !text.startsWith(UNITS_KEY, integerEnd)) return undefined;
  const units = readInteger(text, integerEnd + UNITS_KEY.length, to);
  if (units < 0 || !text.startsWith(PREIMAGE_KEY, integerEnd)) return undefined;
  const hexFrom = integerEnd + PREIMAGE_KEY.length;
  const hexTo = hexFrom + PREIMAGE_CHARS;
  // The preimage, its closing quote and the payload's closing brace end the text exactly.
  if (hexTo + 2 !== to || text.charCodeAt(hexTo) !== 0x22 || text.charCodeAt(hexTo + 1) !== 0x7d) {
    return undefined;
  }
  for (let i = hexFrom; i < hexTo; i++) if (!isLowerHex(text.charCodeAt(i))) return undefined;
  return {
    transactionId: text.slice(idFrom, idTo),
    index,
    units,
    preimage: text.slice(hexFrom, hexTo),
  };
}

/** Where the string starting at `at` ends (its closing quote), if it is printable ASCII without escapes; else -1. */
function endOfPlainString(text: string, at: number, to: number): number {
  for (let i = at; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i > at ? i : -1;
    if (c < 0x20 || c > 0x7e || c === 0x5c) return -1;
  }
  return -1;
}

/** Where the last `readInteger` stopped (a module variable: no result object per number). */
let integerEnd = 0;

/**
 * A JSON integer's digits at `at` (no sign, no leading zero), or -1; a
 * fraction or exponent after them fails the caller's check of what follows.
 */
function readInteger(text: string, at: number, to: number): number {
  let value = 0;
  let i = at;
  for (; i < to && i - at <= DIGITS_MAX; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  const digits = i - at;
  if (digits === 0 || digits > DIGITS_MAX || (digits > 1 && text.charCodeAt(at) === 0x30)) return -1;
  integerEnd = i;
  return value;
}

function isLowerHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}
