import { formatAmount } from '../money/amount.ts';
import type { IndiciumParticulars } from './model.ts';

const TITLE: { readonly [k in IndiciumParticulars['kind']]: string } = {
  payment: 'PAYMENT INDICIUM',
  ticket: 'ENTRY TICKET',
  certificate: 'TRANSACTION CERTIFICATE',
};

/**
 * The human-readable text of an indicium. Deterministic: its SHA-256 is in
 * the signed payload, so printed text that differs from the particulars shows.
 */
export function renderIndiciumText(p: IndiciumParticulars): string {
  const lines = [
    `${TITLE[p.kind]} ${p.id}`,
    `Amount: ${formatAmount(BigInt(p.amountMinor), p.currency)}`,
    `Merchant: ${p.merchantId}`,
    `Customer: ${p.customer}`,
    `Operator: ${p.operatorId}`,
    `Transaction: ${p.transactionId}`,
    `Issued: ${new Date(p.issuedAt * 1000).toISOString()}`,
    `For: ${p.description}`,
    `Items SHA-256: ${p.itemsHash}`,
  ];
  if (p.entry) {
    lines.push(`Event: ${p.entry.event}`);
    if (p.entry.seat !== undefined) lines.push(`Seat: ${p.entry.seat}`);
    if (p.entry.gate !== undefined) lines.push(`Gate: ${p.entry.gate}`);
    lines.push(
      `Valid: ${new Date(p.entry.validFrom * 1000).toISOString()} to ${new Date(p.entry.validUntil * 1000).toISOString()}`,
    );
  }
  if (p.register)
    lines.push(`Register: piece ${p.register.pieceCount}, ascending ${p.register.ascendingMinor}`);
  return lines.join('\n');
}
