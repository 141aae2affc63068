import { resolve } from 'node:path';
import type { CliIo } from '../../io.ts';
import { EXIT_FAILURE, EXIT_OK } from '../../io.ts';
import { checkLedger } from '../../network/ledger.ts';
import { startLocalNetwork } from '../../network/network.ts';
import { createNarrator, QUIET } from '../print.ts';
import { defaultArtefactsDir, printArtefacts, publishArtefacts } from './artefacts.ts';
import { runRequestToPay } from './flow.ts';

export const REQUEST_TO_PAY = 'request-to-pay';
export const REQUEST_TO_PAY_SUMMARY =
  'a merchant asks for payment, the customer affirms it, the operator pays and notifies the ' +
  'merchant, who issues tickets, a signed indicium and a receipt';

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
    const { paths, verification, valid } = await publishArtefacts(dir, artefacts);
    const books = await checkLedger(network.merchantOperator.node.db.kysely);
    const ok = valid && books.balanced;
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
