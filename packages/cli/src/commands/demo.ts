import { parseArgs } from 'node:util';
import { formatMoney } from '../demo/money.ts';
import { createNarrator, QUIET } from '../demo/print.ts';
import { REQUEST_TO_PAY, requestToPayDemo } from '../demo/request-to-pay/command.ts';
import { runScenario } from '../demo/run.ts';
import { isScenarioName, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from '../demo/scenarios.ts';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';
import { SHOP_NAME } from '../network/catalog.ts';
import { CUSTOMER_CREDIT_MINOR, CUSTOMER_OPERATOR, MERCHANT_OPERATOR } from '../network/model.ts';
import { type LocalNetwork, startLocalNetwork } from '../network/network.ts';

/**
 * `tally demo`: a whole trading session on a throw-away network in this
 * process (two operators on in-memory PGlite, a shop, a customer), narrated
 * step by step, or as one JSON object with `--json`.
 */
export async function demo(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean' }, scenario: { type: 'string' }, 'artefacts-dir': { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const scenario = values.scenario ?? 'normal';
  const json = values.json === true;
  if (scenario === REQUEST_TO_PAY)
    return requestToPayDemo({ json, artefactsDir: values['artefacts-dir'] }, io);
  if (!isScenarioName(scenario)) {
    throw new UsageError(
      `--scenario: "${scenario}" is not one of ${[...SCENARIO_NAMES, REQUEST_TO_PAY].join(', ')}`,
    );
  }
  const network = await startLocalNetwork({ storage: { kind: 'memory' }, basePort: 0, logLevel: 'silent' });
  try {
    if (!json) introduce(io, network, scenario);
    const report = await runScenario(network, scenario, json ? QUIET : createNarrator(io.out));
    if (json) io.out(JSON.stringify(report, null, 2));
    const unexpected = SCENARIOS[scenario].expected.some(
      (e, i) => report.transactions[i]?.outcome !== e.outcome || report.transactions[i]?.reason !== e.reason,
    );
    if (unexpected || report.transactions.length !== SCENARIOS[scenario].expected.length) {
      io.err(`tally: the ${scenario} scenario did not clear as expected (a bug: please report it)`);
      return EXIT_FAILURE;
    }
    if (!report.ledgerBalanced || !report.holdsResolved) {
      io.err('tally: the books do not balance (a bug: please report it)');
      return EXIT_FAILURE;
    }
    if (!json) outro(io, scenario);
    return EXIT_OK;
  } finally {
    await network.close();
  }
}

function introduce(io: CliIo, network: LocalNetwork, scenario: ScenarioName): void {
  const a = network.customerOperator;
  const b = network.merchantOperator;
  io.out(`Tallystick demo "${scenario}": ${SCENARIOS[scenario].summary}.`);
  io.out('');
  io.out('Everything runs in this process; each operator has its own in-memory PGlite; all talk HTTP:');
  io.out(`  ${a.spec.id}  ${a.url}  the customer's operator (account manager), books in ${a.spec.currency}`);
  io.out(
    `  ${b.spec.id}  ${b.url}  the shop's operator (mediating trusted agent), books in ${b.spec.currency}`,
  );
  io.out(`  shop  ${network.shop.url}  "${SHOP_NAME}", a merchant at ${b.spec.id} (merchant SDK)`);
  io.out(
    `  customer ${network.customer.id} at ${CUSTOMER_OPERATOR.id} with ` +
      `${formatMoney(CUSTOMER_CREDIT_MINOR, CUSTOMER_OPERATOR.currency)} of credit (wallet SDK); ` +
      `prices are in ${MERCHANT_OPERATOR.currency}`,
  );
}

function outro(io: CliIo, scenario: ScenarioName): void {
  const others = SCENARIO_NAMES.filter((name) => name !== scenario).join(', ');
  io.out('');
  io.out(`Done; the network is gone. Try --scenario with one of: ${others}; or --json for the figures.`);
}
