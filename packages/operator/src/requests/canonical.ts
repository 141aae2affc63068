import { createHash } from 'node:crypto';
import type { PurchaseItem, PurchaseRequestBody } from './model.ts';

/** Items in one fixed key order, so the same list always hashes the same (the customer signs the hash). */
export function canonicalItems(items: readonly PurchaseItem[]): PurchaseItem[] {
  return items.map((i) => ({
    kind: i.kind,
    description: i.description,
    quantity: i.quantity,
    unitPriceMinor: i.unitPriceMinor,
    ...(i.entry
      ? {
          entry: {
            event: i.entry.event,
            ...(i.entry.seat !== undefined ? { seat: i.entry.seat } : {}),
            ...(i.entry.gate !== undefined ? { gate: i.entry.gate } : {}),
            validFrom: i.entry.validFrom,
            validUntil: i.entry.validUntil,
          },
        }
      : {}),
  }));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function itemsHash(items: readonly PurchaseItem[]): string {
  return sha256Hex(JSON.stringify(canonicalItems(items)));
}

/** The request's identity for idempotency: everything the merchant asked for, canonically. */
export function bodyHash(body: PurchaseRequestBody): string {
  return sha256Hex(
    JSON.stringify([
      body.requestId,
      body.customerRef,
      body.amountMinor,
      body.currency,
      body.description,
      canonicalItems(body.items),
      new Date(body.expiresAt).toISOString(),
    ]),
  );
}
