import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { verifyInput } from '../../commands/verify.ts';
import type { CliIo } from '../../io.ts';
import { EXIT_FAILURE, EXIT_OK } from '../../io.ts';
import { checkLedger } from '../../network/ledger.ts';
import { DATA_DIR_DEFAULT } from '../../network/model.ts';
import { startLocalNetwork } from '../../network/network.ts';
import { createNarrator, QUIET } from '../print.ts';
import { type RequestToPayArtefacts, runRequestToPay } from './flow.ts';

export const REQUEST_TO_PAY = 'request-to-pay';
export const REQUEST_TO_PAY_SUMMARY =
  'a merchant asks for payment, the customer affirms it, the operator pays and notifies the ' +
  'merchant, who issues tickets, a signed indicium and a receipt';

export interface ArtefactPaths {
  readonly dir: string;
  readonly indicium: string;
  readonly qrPng: string;
  readonly dataMatrixPng: string;
  readonly receiptPdf: string;
  readonly trustList: string;
}

/** `./.tally/demo-artefacts/2030-01-01T10-00-00-000Z`: one directory per run, sortable, no colons. */
export function defaultArtefactsDir(now: Date): string {
  return join(DATA_DIR_DEFAULT, 'demo-artefacts', now.toISOString().replace(/[:.]/g, '-'));
}

/**
 * `tally demo --scenario request-to-pay [--artefacts-dir <dir>] [--json]`:
 * seed 000 end to end, the issued items written to disk and checked with
 * `tally verify`'s own reader, their paths printed.
 */
export async function requestToPayDemo(
  options: { readonly json: boolean; readonly artefactsDir: string | undefined },
  io: CliIo,
): Promise<number> {
  const network = await startLocalNetwork({ storage: { kind: 'memory' }, basePort: 0, logLevel: 'silent' });
  try {
    if (!options.json) {
      io.out(`Tallystick demo "${REQUEST_TO_PAY}": ${REQUEST_TO_PAY_SUMMARY}.`);
      io.out(
        `Everything runs in this process; ${network.merchantOperator.spec.id} at ${network.merchantOperator.url}.`,
      );
    }
    const { report, artefacts } = await runRequestToPay(
      network,
      options.json ? QUIET : createNarrator(io.out),
    );
    const dir = resolve(options.artefactsDir ?? defaultArtefactsDir(new Date()));
    const paths = await writeArtefacts(dir, artefacts);
    const verification = await verifyArtefacts(paths, artefacts);
    const books = await checkLedger(network.merchantOperator.node.db.kysely);
    const ok = Object.values(verification).every((v) => v === 'valid') && books.balanced;
    const result = { ...report, artefacts: paths, verification, ledgerBalanced: books.balanced };
    if (options.json) io.out(JSON.stringify(result, null, 2));
    else printArtefacts(io, paths, verification);
    if (!ok) {
      io.err('tally: the issued items did not verify or the books do not balance (a bug: please report it)');
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    await network.close();
  }
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
): Promise<Record<'string' | 'qrPng' | 'dataMatrixPng' | 'receiptPdf', string>> {
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

function printArtefacts(io: CliIo, paths: ArtefactPaths, verification: Record<string, string>): void {
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
