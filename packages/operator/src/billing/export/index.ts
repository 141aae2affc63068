import { camt054Exporter } from './camt054.ts';
import { csvExporter } from './csv.ts';
import { jsonExporter } from './json.ts';
import type { BillingExporter, BillingExportFormat } from './model.ts';

export { billingRecordWire } from './json.ts';
export * from './model.ts';

export const BILLING_EXPORTERS: { readonly [k in BillingExportFormat]: BillingExporter } = {
  csv: csvExporter,
  json: jsonExporter,
  camt054: camt054Exporter,
};
