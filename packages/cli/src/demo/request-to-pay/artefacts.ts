import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrustList } from '@tallystick/protocol';
import { verifyInput } from '../../commands/verify.ts';
import type { CliIo } from '../../io.ts';
import { DATA_DIR_DEFAULT } from '../../network/model.ts';
import type { PartyClient } from './http.ts';

/** An item as the operator lists it for a purchase. */
export interface IssuedItem {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly indicium: string | null;
  readonly text: string | null;
}

/** What the demos write to disk beside the report. */
export interface RequestToPayArtefacts {
  readonly indicium: string;
  readonly text: string;
  readonly qrPng: Buffer;
  readonly dataMatrixPng: Buffer;
  readonly receiptPdf: Buffer;
  readonly trustList: TrustList;
}

export interface ArtefactPaths {
  readonly dir: string;
  readonly indicium: string;
  readonly qrPng: string;
  readonly dataMatrixPng: string;
  readonly receiptPdf: string;
  readonly trustList: string;
}

export type ArtefactVerification = Record<'string' | 'qrPng' | 'dataMatrixPng' | 'receiptPdf', string>;

/** `./.tally/demo-artefacts/2030-01-01T10-00-00-000Z`: one directory per run, sortable, no colons. */
export function defaultArtefactsDir(now: Date): string {
  return join(DATA_DIR_DEFAULT, 'demo-artefacts', now.toISOString().replace(/[:.]/g, '-'));
}

/**
 * The items the issuing operator lists for a purchase, and the payment
 * indicium in each form it hands out, fetched by a party allowed to see them
 * (the customer at her own operator; the merchant when she is at another).
 */
export async function fetchIssuedItems(
  client: PartyClient,
  requestId: string,
): Promise<{ items: IssuedItem[]; artefacts: RequestToPayArtefacts }> {
  const { items } = await client.json<{ items: IssuedItem[] }>(
    'GET',
    `/v1/purchase-requests/${requestId}/items`,
  );
  const payment = items.find((i) => i.kind === 'indicium');
  if (!payment?.indicium || !payment.text) throw new Error('assertion: a payment indicium was issued');
  const artefacts: RequestToPayArtefacts = {
    indicium: payment.indicium,
    text: payment.text,
    qrPng: await client.bytes(`/v1/items/${payment.id}/qr.png`),
    dataMatrixPng: await client.bytes(`/v1/items/${payment.id}/datamatrix.png`),
    receiptPdf: await client.bytes(`/v1/items/${payment.id}/receipt.pdf`),
    trustList: await client.json<TrustList>('GET', '/v1/trust-list'),
  };
  return { items, artefacts };
}

/** Writes the artefacts to `dir` and reads each back as `tally verify` would. */
export async function publishArtefacts(
  dir: string,
  artefacts: RequestToPayArtefacts,
): Promise<{ paths: ArtefactPaths; verification: ArtefactVerification; valid: boolean }> {
  const paths = await writeArtefacts(dir, artefacts);
  const verification = await verifyArtefacts(paths, artefacts);
  return { paths, verification, valid: Object.values(verification).every((v) => v === 'valid') };
}

async function writeArtefacts(dir: string, a: RequestToPayArtefacts): Promise<ArtefactPaths> {
  await mkdir(dir, { recursive: true });
  const paths: ArtefactPaths = {
    dir,
    indicium: join(dir, 'indicium.txt'),
    qrPng: join(dir, 'indicium-qr.png'),
    dataMatrixPng: join(dir, 'indicium-datamatrix.png'),
    receiptPdf: join(dir, 'receipt.pdf'),
    trustList: join(dir, 'tally-trust.json'),
  };
  await writeFile(paths.indicium, `${a.indicium}\n`);
  await writeFile(paths.qrPng, a.qrPng);
  await writeFile(paths.dataMatrixPng, a.dataMatrixPng);
  await writeFile(paths.receiptPdf, a.receiptPdf);
  await writeFile(paths.trustList, `${JSON.stringify(a.trustList, null, 2)}\n`);
  return paths;
}

/** Each form of the indicium read back from disk as `tally verify` reads it: `valid` or the error code. */
async function verifyArtefacts(
  paths: ArtefactPaths,
  a: RequestToPayArtefacts,
): Promise<ArtefactVerification> {
  const check = async (input: string) => {
    const result = await verifyInput(input, a.trustList);
    return typeof result === 'string' ? result : 'valid';
  };
  return {
    string: await check(a.indicium),
    qrPng: await check(paths.qrPng),
    dataMatrixPng: await check(paths.dataMatrixPng),
    receiptPdf: await check(paths.receiptPdf),
  };
}

export function printArtefacts(io: CliIo, paths: ArtefactPaths, verification: ArtefactVerification): void {
  io.out('');
  io.out(`Issued items written to ${paths.dir}:`);
  const rows: [string, string, string | undefined][] = [
    ['indicium', paths.indicium, verification.string],
    ['QR code', paths.qrPng, verification.qrPng],
    ['Data Matrix', paths.dataMatrixPng, verification.dataMatrixPng],
    ['receipt', paths.receiptPdf, verification.receiptPdf],
    ['trust list', paths.trustList, undefined],
  ];
  for (const [label, path, check] of rows)
    io.out(`  ${label.padEnd(12)}${path}${check ? `  (${check})` : ''}`);
  io.out('');
  io.out(`Check one offline: tally verify ${paths.receiptPdf} --trust ${paths.trustList}`);
}
