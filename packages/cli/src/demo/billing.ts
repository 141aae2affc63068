import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BILLING_EXPORT_FORMATS, type BillingExportFormat } from '@tallystick/operator';
import type { LocalNetwork } from '../network/network.ts';
import type { NetworkOperator } from '../network/operators.ts';
import type { Narrator } from './print.ts';

const EXTENSION: { readonly [k in BillingExportFormat]: string } = {
  csv: 'csv',
  json: 'json',
  camt054: 'xml',
};
const EXPORT_TIMEOUT_MS = 30_000;

export interface BillingExportReport {
  readonly operatorId: string;
  readonly format: BillingExportFormat;
  readonly path: string;
  /** Withdrawal (customer side) and deposit (merchant side) records in the file. */
  readonly records: number;
  readonly bytes: number;
}

/**
 * Each operator's billing records in every built-in format, fetched the way
 * a billing system would (`GET /v1/admin/billing/export`, admin token) and
 * written to `dir`: what `tally billing export` prints.
 */
export async function exportBilling(
  network: LocalNetwork,
  dir: string,
  say: Narrator,
): Promise<BillingExportReport[]> {
  say.step(
    'Billing: each operator exports its withdrawal and deposit records (CSV, JSON, ISO 20022 camt.054)',
  );
  await mkdir(dir, { recursive: true });
  const reports: BillingExportReport[] = [];
  for (const op of [network.customerOperator, network.merchantOperator]) {
    for (const format of BILLING_EXPORT_FORMATS) {
      const text = await fetchExport(op, format);
      const path = join(dir, `${op.spec.id}-billing.${EXTENSION[format]}`);
      await writeFile(path, text);
      reports.push({
        operatorId: op.spec.id,
        format,
        path,
        records: countRecords(format, text),
        bytes: Buffer.byteLength(text),
      });
    }
  }
  for (const r of reports)
    say.detail(`${r.operatorId} ${r.format.padEnd(7)} ${r.records} record(s) -> ${r.path}`);
  return reports;
}

async function fetchExport(op: NetworkOperator, format: BillingExportFormat): Promise<string> {
  // Every record the throw-away network wrote: it started empty.
  const query = new URLSearchParams({ since: new Date(0).toISOString(), format });
  const response = await fetch(`${op.url}/v1/admin/billing/export?${query}`, {
    headers: { authorization: `Bearer ${op.node.adminToken}` },
    signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`billing export ${format} at ${op.spec.id}: HTTP ${response.status} ${text}`);
  return text;
}

function countRecords(format: BillingExportFormat, text: string): number {
  switch (format) {
    case 'csv':
      return text.split('\r\n').filter((line) => line !== '').length - 1;
    case 'json':
      return (JSON.parse(text) as { records: unknown[] }).records.length;
    case 'camt054':
      return text.split('<Ntry>').length - 1;
  }
}
