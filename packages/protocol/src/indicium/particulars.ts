import { INDICIUM_KINDS, type IndiciumParticulars } from './model.ts';

/** A plain object as a CBOR map (string keys, CDE-sorted by the encoder). */
export function toCbor(p: IndiciumParticulars): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    map.set(k, typeof v === 'object' && v !== null ? new Map(Object.entries(v)) : v);
  }
  return map;
}

export function fromCbor(value: unknown): IndiciumParticulars | undefined {
  if (!(value instanceof Map)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of value) {
    if (typeof k !== 'string') return undefined;
    out[k] = v instanceof Map ? Object.fromEntries(v) : v;
  }
  return out as unknown as IndiciumParticulars;
}

const STRING_FIELDS = [
  'id',
  'transactionId',
  'operatorId',
  'merchantId',
  'customer',
  'amountMinor',
  'currency',
  'itemsHash',
  'description',
] as const;

/** Parse, don't trust: the signed payload still has to have the expected shape. */
export function checkParticulars(p: IndiciumParticulars): boolean {
  if (!INDICIUM_KINDS.includes(p.kind)) return false;
  if (!STRING_FIELDS.every((f) => typeof p[f] === 'string')) return false;
  if (!/^-?\d{1,19}$/.test(p.amountMinor) || !/^[A-Z]{3}$/.test(p.currency)) return false;
  if (!Number.isSafeInteger(p.issuedAt)) return false;
  if (p.entry !== undefined) {
    const e = p.entry;
    if (
      typeof e.event !== 'string' ||
      !Number.isSafeInteger(e.validFrom) ||
      !Number.isSafeInteger(e.validUntil)
    ) {
      return false;
    }
  }
  if (p.register !== undefined) {
    if (!Number.isSafeInteger(p.register.pieceCount) || typeof p.register.ascendingMinor !== 'string')
      return false;
  }
  return true;
}
