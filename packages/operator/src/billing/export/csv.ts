import { billingRecordWire } from './json.ts';
import type { BillingExporter } from './model.ts';

export const CSV_COLUMNS = [
  'transaction_id',
  'kind',
  'party_id',
  'amount_minor',
  'fee_minor',
  'net_minor',
  'currency',
  'rate_base',
  'rate_quote',
  'rate_numerator',
  'rate_denominator',
  'created_at',
] as const;

/** RFC 4180: quoted only when needed, quotes doubled; a leading =+-@ is defused for spreadsheets. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvExporter: BillingExporter = {
  format: 'csv',
  contentType: 'text/csv',
  render(records) {
    const lines = records.map((record) => {
      const w = billingRecordWire(record);
      return [
        w.transactionId,
        w.kind,
        w.partyId,
        w.amountMinor,
        w.feeMinor,
        w.netMinor,
        w.currency,
        w.rate.base,
        w.rate.quote,
        w.rate.numerator,
        w.rate.denominator,
        w.createdAt,
      ]
        .map(csvField)
        .join(',');
    });
    return `${[CSV_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
  },
};
