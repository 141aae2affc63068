import type { BillingRecord } from '../model.ts';

export const BILLING_EXPORT_FORMATS = ['csv', 'json', 'camt054'] as const;
export type BillingExportFormat = (typeof BILLING_EXPORT_FORMATS)[number];

/** Most records one export holds; a longer period is exported in pages (`--since` the last one). */
export const BILLING_EXPORT_RECORDS_MAX = 10_000;

export interface ExportContext {
  /** The operator whose books these are (the account servicer of camt.054). */
  readonly operatorId: string;
  readonly now: Date;
}

/**
 * A billing system adapter that takes records in bulk (a file per period).
 * The push adapter, the webhook, is `BillingSink` (webhook.ts): it is fed in
 * the clearing's own transaction instead.
 */
export interface BillingExporter {
  readonly format: BillingExportFormat;
  readonly contentType: string;
  render(records: readonly BillingRecord[], context: ExportContext): string;
}

/** Minor units as a decimal in major units, exact: `1234n, 2` -> `12.34`. */
export function minorToDecimal(amountMinor: bigint, exponent: number): string {
  if (amountMinor < 0n) throw new RangeError('minorToDecimal takes a non-negative amount');
  if (exponent === 0) return amountMinor.toString();
  const digits = amountMinor.toString().padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** A rate fraction as a decimal with at most `fractionDigitsMax` digits, truncated; exact when it fits. */
export function rateToDecimal(numerator: bigint, denominator: bigint, fractionDigitsMax: number): string {
  const scale = 10n ** BigInt(fractionDigitsMax);
  const scaled = (numerator * scale) / denominator;
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(fractionDigitsMax, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}
