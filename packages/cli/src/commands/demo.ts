import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportBilling } from '../demo/billing.ts';
import { formatMoney } from '../demo/money.ts';
import { createNarrator, QUIET } from '../demo/print.ts';
import { checkBooks, type DemoReport } from '../demo/report.ts';
import { REQUEST_TO_PAY, requestToPayDemo } from '../demo/request-to-pay/command.ts';
import { REQUEST_TO_PAY_CROSS, requestToPayCrossDemo } from '../demo/request-to-pay/cross.ts';
import { runScenario } from '../demo/run.ts';
import {
  DEMO_SCENARIO_NAMES,
  DEMO_SCENARIOS,
  type DemoScenarioName,
  isDemoScenarioName,
} from '../demo/scenarios.ts';
import { settleAndReconcile } from '../demo/settlement.ts';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';
import { SHOP_NAME } from '../network/catalog.ts';
import { CUSTOMER_CREDIT_MINOR, CUSTOMER_OPERATOR, MERCHANT_OPERATOR } from '../network/model.ts';
import { type LocalNetwork, startLocalNetwork } from '../network/network.ts';

/** op-b keeps 0.10 EUR + 1.5% (rounded up) of each clearing to the shop, so the demo shows a fee. */
const DEMO_ACQUIRING_FEE = '10+150bps';

/**
 * `tally demo`: a whole trading session on a throw-away network in this
 * process (two operators on in-memory PGlite, a shop, a customer), narrated
 * step by step, or as one JSON object with `--json`.
 */
export async function demo(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      json: { type: 'boolean' },
      scenario: { type: 'string' },
      'artefacts-dir': { type: 'string' },
      'out-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const scenario = values.scenario ?? 'normal';
  const json = values.json === true;
  if (scenario === REQUEST_TO_PAY)
    return requestToPayDemo({ json, artefactsDir: values['artefacts-dir'] }, io);
  if (scenario === REQUEST_TO_PAY_CROSS)
    return requestToPayCrossDemo({ json, artefactsDir: values['artefacts-dir'] }, io);
  if (!isDemoScenarioName(scenario)) {
    throw new UsageError(
      `--scenario: "${scenario}" is not one of ${[...DEMO_SCENARIO_NAMES, REQUEST_TO_PAY, REQUEST_TO_PAY_CROSS].join(', ')}`,
    );
  }
  const outDir = values['out-dir']
    ? resolve(values['out-dir'])
    : await mkdtemp(join(tmpdir(), 'tally-demo-'));
  const network = await startLocalNetwork({
    storage: { kind: 'memory' },
    basePort: 0,
    logLevel: 'silent',
    merchantAcquiringFee: DEMO_ACQUIRING_FEE,
  });
  try {
    if (!json) introduce(io, network, scenario);
    const report = await runDemo(network, scenario, outDir, json ? QUIET : createNarrator(io.out));
    if (json) io.out(JSON.stringify(report, null, 2));
    const expected = DEMO_SCENARIOS[scenario].expected;
    const unexpected = expected.some(
      (e, i) => report.transactions[i]?.outcome !== e.outcome || report.transactions[i]?.reason !== e.reason,
    );
    if (unexpected || report.transactions.length !== expected.length) {
      io.err(`tally: the ${scenario} scenario did not clear as expected (a bug: please report it)`);
      return EXIT_FAILURE;
    }
    if (!report.ledgerBalanced || !report.holdsResolved) {
      io.err('tally: the books do not balance (a bug: please report it)');
      return EXIT_FAILURE;
    }
    if (!report.settlement?.reconciled || report.settlement.errors.length > 0) {
      io.err('tally: the settlement between the operators did not reconcile (a bug: please report it)');
      return EXIT_FAILURE;
    }
    if (!json) outro(io, scenario);
    return EXIT_OK;
  } finally {
    await network.close();
  }
}

/**
 * The scenario, then the end of the demo day: settlement between the two
 * operators with reconciliation, and the billing exports. The books are
 * checked again after settlement (it moves money too).
 */
async function runDemo(
  network: LocalNetwork,
  scenario: DemoScenarioName,
  outDir: string,
  say: ReturnType<typeof createNarrator>,
): Promise<DemoReport> {
  const report = await runScenario(network, scenario, say);
  const settlement = await settleAndReconcile(network, say);
  const billingExports = await exportBilling(network, outDir, say);
  const books = await checkBooks(network);
  const batchOf = new Map(settlement.batches.flatMap((b) => b.transactionIds.map((id) => [id, b.batchId])));
  return {
    ...report,
    transactions: report.transactions.map((tx) => ({
      ...tx,
      settlementBatchId: batchOf.get(tx.transactionId) ?? null,
    })),
    ledgerBalanced: report.ledgerBalanced && books.balanced,
    holdsResolved: report.holdsResolved && books.holdsResolved,
    settlement,
    billingExports,
  };
}

function introduce(io: CliIo, network: LocalNetwork, scenario: DemoScenarioName): void {
  const a = network.customerOperator;
  const b = network.merchantOperator;
  io.out(`Tallystick demo "${scenario}": ${DEMO_SCENARIOS[scenario].summary}.`);
  io.out('');
  io.out('Everything runs in this process; each operator has its own in-memory PGlite; all talk HTTP:');
  io.out(`  ${a.spec.id}  ${a.url}  the customer's operator (account manager), books in ${a.spec.currency}`);
  io.out(
    `  ${b.spec.id}  ${b.url}  the shop's operator (mediating trusted agent), books in ${b.spec.currency}`,
  );
  io.out(`  shop  ${network.shop.url}  "${SHOP_NAME}", a merchant at ${b.spec.id} (merchant SDK)`);
  io.out(
    `  ${b.spec.id} keeps an acquiring fee of 0.10 ${b.spec.currency} + 1.5% (rounded up) of each clearing to the shop`,
  );
  io.out(
    `  customer ${network.customer.id} at ${CUSTOMER_OPERATOR.id} with ` +
      `${formatMoney(CUSTOMER_CREDIT_MINOR, CUSTOMER_OPERATOR.currency)} of credit (wallet SDK); ` +
      `prices are in ${MERCHANT_OPERATOR.currency}`,
  );
}

function outro(io: CliIo, scenario: DemoScenarioName): void {
  const others = DEMO_SCENARIO_NAMES.filter((name) => name !== scenario).join(', ');
  io.out('');
  io.out(`Done; the network is gone. Try --scenario with one of: ${others}; or --json for the figures.`);
}
