/*
 * `npm run example:paid-api`: the whole thing in one process. A local
 * Tallystick network (op-a: the customer's operator in SEK, op-b: the
 * merchant's in EUR, on embedded PostgreSQL), the paid API on the demo
 * merchant, a client making 1,000 paid calls, then both records and the
 * clearing (from the last hash-chain preimage). `--calls N`, `--voucher`.
 */
import { createWallet } from '@tallystick/wallet';
import { startLocalNetwork } from '../../packages/cli/src/network/network.ts';
import { startPaidApi } from './api.ts';
import { formatReport, runPaidClient } from './client.ts';

const args = process.argv.slice(2);
const calls = Number(args[args.indexOf('--calls') + 1] ?? '') || 1_000;
const schemes = args.includes('--voucher') ? (['tally-voucher'] as const) : undefined;

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
  const report = await runPaidClient(wallet, api.url, { calls, ...(schemes ? { schemes } : {}) });
  console.log(formatReport(report));
  // The merchant's half of each tally: the MTA compares it with the customer's and clears.
  for (const { transactionId } of report.transactions) {
    await network.merchant.submitRecord(transactionId);
    const view = await wallet.getTransaction(transactionId);
    const c = view.clearing as
      | { outcome?: string; clearedMerchantMinor?: string; hashChainIndex?: number }
      | undefined;
    console.log(
      `${transactionId}: ${view.status}, ${c?.outcome ?? '-'}, ${c?.clearedMerchantMinor ?? '0'} EUR minor units`,
    );
  }
  if (report.failed > 0) process.exitCode = 1;
} finally {
  await api.close();
  await network.close();
}
