import { defaultCryptoProvider } from '../crypto/default.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { isTransactionId } from '../ids/identity.ts';
import { DESCRIPTION_LENGTH_MAX, SKU_LENGTH_MAX } from '../messages/limits.ts';
import { AMOUNT_MAX_MINOR } from '../money/amount.ts';
import type { PurchaseListError } from './errors.ts';

/**
 * The purchase list of one transaction, hashed as a running chain so the
 * wallet and the merchant each extend it one purchase at a time:
 *
 *   h_0 = SHA-256( UTF-8("tally.purchase-list.v1") || UTF-8(transactionId) )
 *   h_n = SHA-256( h_{n-1} (32 raw bytes) || canonical(purchase_n) )
 *
 * canonical(p) is five fields in this order, each a 4-byte big-endian byte
 * length followed by its UTF-8 bytes: seq, sku, description, priceMinor, atMs
 * (integers as decimal ASCII, no leading zeros). Strings are hashed exactly as
 * given, no Unicode normalisation; ill-formed UTF-16 (a lone surrogate) is
 * refused because UTF-8 encoding would silently replace it.
 * Purchase n has seq n. Only the hash (lowercase hex) leaves the two parties;
 * the MTA compares hashes, never lists (DESIGN §3).
 */
export const PURCHASE_LIST_DOMAIN = 'tally.purchase-list.v1';

export interface Purchase {
  readonly seq: number;
  readonly sku: string;
  readonly description: string;
  readonly priceMinor: bigint;
  /** When the purchase was made, by the wallet's clock, ms since the epoch. */
  readonly atMs: number;
}

export interface PurchaseListState {
  readonly transactionId: string;
  readonly count: number;
  readonly totalMinor: bigint;
  /** h_count as 64 lowercase hex digits: the `purchaseListHash` of vouchers and records. */
  readonly hashHex: string;
}

const encoder = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `provider` defaults to the platform's: synchronous node:crypto on Node, WebCrypto elsewhere. */
export async function startPurchaseList(
  transactionId: string,
  provider: CryptoProvider = defaultCryptoProvider,
): Promise<PurchaseListState> {
  if (!isTransactionId(transactionId))
    throw new Error(`invalid transaction id ${JSON.stringify(transactionId)}`);
  const hash = await provider.sha256(
    concat([encoder.encode(PURCHASE_LIST_DOMAIN), encoder.encode(transactionId)]),
  );
  return Object.freeze({ transactionId, count: 0, totalMinor: 0n, hashHex: toHex(hash) });
}

/**
 * Returns the extended list; the given state is unchanged, so a refused
 * voucher rolls back for free. States are plain data: safe to store.
 */
export async function appendPurchase(
  state: PurchaseListState,
  purchase: Purchase,
  provider: CryptoProvider = defaultCryptoProvider,
): Promise<PurchaseListState | PurchaseListError> {
  if (purchase.seq !== state.count + 1) return 'purchase_out_of_order';
  if (!isValidPurchase(purchase)) return 'purchase_invalid';
  const totalMinor = state.totalMinor + purchase.priceMinor;
  if (totalMinor > AMOUNT_MAX_MINOR) return 'purchase_total_overflow';
  const hash = await provider.sha256(concat([fromHex(state.hashHex), encodePurchase(purchase)]));
  return Object.freeze({
    transactionId: state.transactionId,
    count: purchase.seq,
    totalMinor,
    hashHex: toHex(hash),
  });
}

/** The state after all `purchases`, in order: what a record reports. */
export async function hashPurchaseList(
  transactionId: string,
  purchases: readonly Purchase[],
  provider: CryptoProvider = defaultCryptoProvider,
): Promise<PurchaseListState | PurchaseListError> {
  let state = await startPurchaseList(transactionId, provider);
  for (const purchase of purchases) {
    const next = await appendPurchase(state, purchase, provider);
    if (typeof next === 'string') return next;
    state = next;
  }
  return state;
}

export function encodePurchase(purchase: Purchase): Uint8Array<ArrayBuffer> {
  const fields = [
    String(purchase.seq),
    purchase.sku,
    purchase.description,
    purchase.priceMinor.toString(),
    String(purchase.atMs),
  ];
  return concat(fields.flatMap((f) => lengthPrefixed(encoder.encode(f))));
}

export function isValidPurchase(purchase: Purchase): boolean {
  return (
    Number.isSafeInteger(purchase.seq) &&
    purchase.seq >= 1 &&
    isText(purchase.sku, 1, SKU_LENGTH_MAX) &&
    isText(purchase.description, 0, DESCRIPTION_LENGTH_MAX) &&
    typeof purchase.priceMinor === 'bigint' &&
    purchase.priceMinor >= 0n &&
    purchase.priceMinor <= AMOUNT_MAX_MINOR &&
    Number.isSafeInteger(purchase.atMs) &&
    purchase.atMs >= 0
  );
}

/** No lone surrogates: the string has exactly one UTF-8 encoding. */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Bounds in code points, as JSON Schema (and so the voucher schema) counts them. */
function isText(value: unknown, lengthMin: number, lengthMax: number): boolean {
  if (typeof value !== 'string' || !isWellFormedText(value)) return false;
  const length = value.length <= lengthMax ? value.length : [...value].length;
  return length >= lengthMin && length <= lengthMax;
}

function lengthPrefixed(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>[] {
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, bytes.byteLength, false);
  return [prefix, bytes];
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('purchase list state holds a malformed hash');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
