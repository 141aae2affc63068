/*
 * `npm run example:paid-api`: the whole thing in one process. A local
 * Tallystick network (op-a: the customer's operator in SEK, op-b: the
 * merchant's in EUR, on embedded PostgreSQL), the paid API on the demo
 * merchant, a client making 1,000 paid calls, then both records and the
 * clearing (from the last hash-chain preimage). `--calls N`, `--voucher`.
 *
 * `--against <paid API url>`: only the client, against the paid API of a
 * network started with `npm start` (its banner prints the command), as the
 * demo customer of that network (`--data-dir`, default ./.tally; `--operator`:
 * op-a's URL, default http://127.0.0.1:7070).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createWallet, type Wallet } from '@tallystick/wallet';
import { startLocalNetwork } from '../../packages/cli/src/network/network.ts';
import { readNetworkState, STATE_FILE } from '../../packages/cli/src/network/state-file.ts';
import { startPaidApi } from './api.ts';
import { formatReport, type PaidClientReport, runPaidClient } from './client.ts';

const CUSTOMER_OPERATOR_URL_DEFAULT = 'http://127.0.0.1:7070';
/** How long to wait for the operators to clear after the records are in. */
const CLEARING_WAIT_MS = 15_000;

const { values } = parseArgs({
  options: {
    calls: { type: 'string' },
    voucher: { type: 'boolean' },
    against: { type: 'string' },
    operator: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  strict: true,
});
const calls = Number(values.calls ?? '') || 1_000;
const schemes = values.voucher ? (['tally-voucher'] as const) : undefined;
const clientOptions = { calls, ...(schemes ? { schemes } : {}) };

if (values.against !== undefined) {
  process.exitCode = await againstRunningNetwork(values.against);
} else {
  process.exitCode = await inProcess();
}

async function againstRunningNetwork(apiUrl: string): Promise<number> {
  // `npm run` runs in the repository root: a relative dir is the caller's (INIT_CWD).
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), values['data-dir'] ?? '.tally');
  const state = await readNetworkState(dir);
  if (!state) {
    console.error(
      `no ${STATE_FILE} in ${dir}: start the network with \`npm start\` first (or pass --data-dir)`,
    );
    return 1;
  }
  const operatorUrl = values.operator ?? CUSTOMER_OPERATOR_URL_DEFAULT;
  console.log(`paying ${apiUrl} as demo customer ${state.customer.id} (op-a at ${operatorUrl})`);
  const wallet = createWallet({
    amBaseUrl: operatorUrl,
    amOperatorId: state.customer.operatorId,
    customerId: state.customer.id,
    apiKey: state.customer.apiKey,
    customerKey: state.customer.key,
  });
  const report = await runPaidClient(wallet, apiUrl, clientOptions);
  console.log(formatReport(report));
  await printClearing(wallet, report);
  return report.failed > 0 ? 1 : 0;
}

async function inProcess(): Promise<number> {
  console.log('starting a local network (op-a SEK, op-b EUR)…');
  const network = await startLocalNetwork({ storage: { kind: 'memory' }, basePort: 0 });
  const api = await startPaidApi(network.merchant, { currency: network.merchantOperator.spec.currency });
  try {
    console.log(`paid API at ${api.url}: GET /weather, GET /quote/:symbol, POST /translate`);
    const wallet = createWallet({
      amBaseUrl: network.customerOperator.url,
      amOperatorId: network.customerOperator.spec.id,
      customerId: network.customer.id,
      apiKey: network.customer.apiKey,
      customerKey: network.customer.key,
    });
    const report = await runPaidClient(wallet, api.url, clientOptions);
    console.log(formatReport(report));
    // Closing the client delivered each terminate, and the API sent the merchant's record; again is a no-op.
    for (const { transactionId } of report.transactions) await network.merchant.submitRecord(transactionId);
    await printClearing(wallet, report);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await api.close();
    await network.close();
  }
}

/** Each transaction as the customer's operator sees it, once cleared (or as it stands after a wait). */
async function printClearing(wallet: Wallet, report: PaidClientReport): Promise<void> {
  const deadline = Date.now() + CLEARING_WAIT_MS;
  for (const { transactionId } of report.transactions) {
    let view = await wallet.getTransaction(transactionId);
    while (view.clearing === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      view = await wallet.getTransaction(transactionId);
    }
    const c = view.clearing as
      | { outcome?: string; clearedMerchantMinor?: string; clearedCustomerMinor?: string }
      | undefined;
    console.log(
      `${transactionId}: ${view.status}, ${c?.outcome ?? 'not cleared yet'}` +
        (c ? `, merchant ${c.clearedMerchantMinor ?? '0'} EUR minor units` : ''),
    );
  }
}
