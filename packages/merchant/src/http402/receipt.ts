import type { PaywallTerms } from './offers.ts';
import { encodeHeader } from './platform/node-codec.ts';
import type { Settled } from './verifier.ts';

/** `receiptToSettleResponse` as JSON, written directly (hot path): every value is an id or digits. */
export function receiptHeader(terms: PaywallTerms, r: Settled): string {
  return encodeHeader(`${receiptStart(terms, r)}${receiptEnd(r)}`);
}

/** What a transaction's receipts for one price share: everything before the seq. */
function receiptStart(terms: PaywallTerms, r: Settled): string {
  return `{"success":true,"transaction":"${r.transactionId}","network":"${terms.network}","amount":"${r.amountMinor}","extra":{"seq":`;
}

function receiptEnd(r: Settled): string {
  return `${r.seq},"cumulativeMinor":"${r.cumulativeMinor}"}}`;
}

interface KnownStart {
  readonly amountMinor: bigint;
  /** base64 of the start's whole 3-byte groups. */
  readonly base64: string;
  /** The start's last 0-2 characters, encoded with the receipt's end. */
  readonly tail: string;
}

/** Transactions whose receipt start is kept; past it the table starts over (a miss only costs an encode). */
const STARTS_MAX = 4096;
const ASCII_ID = /^[\x20-\x7e]*$/;

/**
 * `receiptHeader` (byte for byte) with the start of each transaction's
 * receipt encoded once: per payment only the seq and cumulative amount (and
 * the 0-2 characters sharing their base64 group) are encoded. Ids are
 * ASCII, so a character is a byte and the groups line up.
 */
export class ReceiptEncoder {
  readonly #starts = new Map<string, KnownStart>();
  constructor(private readonly terms: PaywallTerms) {}

  encode(r: Settled): string {
    let known = this.#starts.get(r.transactionId);
    if (known === undefined || known.amountMinor !== r.amountMinor) {
      const start = receiptStart(this.terms, r);
      if (!ASCII_ID.test(start)) return receiptHeader(this.terms, r);
      if (this.#starts.size >= STARTS_MAX) this.#starts.clear();
      const whole = start.length - (start.length % 3);
      known = { amountMinor: r.amountMinor, base64: btoa(start.slice(0, whole)), tail: start.slice(whole) };
      this.#starts.set(r.transactionId, known);
    }
    return known.base64 + btoa(known.tail + receiptEnd(r));
  }
}
