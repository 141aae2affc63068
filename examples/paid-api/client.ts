import { formatAmount } from '@tallystick/protocol';
import { type TerminateNotice, type TransactionSummary, type Wallet, wrapFetch } from '@tallystick/wallet';
import { TERMINATE_PATH } from './api.ts';

export interface PaidClientReport {
  readonly calls: number;
  readonly ok: number;
  readonly failed: number;
  readonly byRoute: Readonly<Record<string, number>>;
  readonly spent: Readonly<Record<string, bigint>>;
  readonly elapsedMs: number;
  readonly transactions: readonly TransactionSummary[];
}

const TEXTS = ['hello world', 'a tally stick is split in two halves', 'pay per call, settle later'];

/**
 * Makes `calls` paid calls to the paid API (`concurrency` at a time) with a
 * paying fetch: the first call of each route meets a 402, every later one
 * pays up front. Returns what was spent, per merchant currency. Closing
 * delivers each session's signed terminate to the API, which hands the
 * merchant's record to its operator: the transactions can clear.
 */
export async function runPaidClient(
  wallet: Wallet,
  baseUrl: string,
  options: {
    readonly calls?: number;
    readonly concurrency?: number;
    readonly depositMinor?: bigint;
    readonly schemes?: readonly ('tally-payword' | 'tally-voucher')[];
  } = {},
): Promise<PaidClientReport> {
  const calls = options.calls ?? 1_000;
  const paidFetch = wrapFetch(fetch, wallet, {
    maxDepositMinor: options.depositMinor ?? 20_000n,
    maxPriceMinor: 100n,
    ...(options.schemes ? { schemes: options.schemes } : {}),
    onTerminate: (notice) => deliverTerminate(baseUrl, notice),
  });
  const byRoute: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < calls; i = next++) {
      const [route, response] = await call(paidFetch, baseUrl, i);
      await response.arrayBuffer();
      if (response.ok) ok++;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  const elapsedMs = performance.now() - started;
  const transactions = await paidFetch.close();
  return { calls, ok, failed: calls - ok, byRoute, spent: paidFetch.spent(), elapsedMs, transactions };
}

async function deliverTerminate(baseUrl: string, notice: TerminateNotice): Promise<void> {
  const response = await fetch(`${baseUrl}${TERMINATE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ terminate: notice.terminate }),
  });
  if (!response.ok) throw new Error(`terminate: ${response.status} ${await response.text()}`);
}

function call(paidFetch: typeof fetch, baseUrl: string, i: number): Promise<[string, Response]> {
  switch (i % 3) {
    case 0:
      return paidFetch(`${baseUrl}/weather`).then((r) => ['GET /weather', r]);
    case 1:
      return paidFetch(`${baseUrl}/quote/${['TLY', 'ABC', 'XYZ'][i % 9 < 3 ? 0 : 1]}`).then((r) => [
        'GET /quote/:symbol',
        r,
      ]);
    default: {
      const text = TEXTS[Math.floor(i / 3) % TEXTS.length] as string;
      return paidFetch(`${baseUrl}/translate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-text-length': String(text.length) },
        body: JSON.stringify({ text }),
      }).then((r) => ['POST /translate', r]);
    }
  }
}

/** The report for people. */
export function formatReport(report: PaidClientReport): string {
  const lines = [
    `${report.ok} of ${report.calls} paid calls answered in ${(report.elapsedMs / 1000).toFixed(1)} s ` +
      `(${Math.round((report.calls * 1000) / report.elapsedMs)} calls/s)`,
    ...Object.entries(report.byRoute).map(([route, n]) => `  ${route.padEnd(20)} ${n} calls`),
    ...Object.entries(report.spent).map(([currency, minor]) => `spent: ${formatAmount(minor, currency)}`),
    `in ${report.transactions.length} transaction(s): ` +
      report.transactions
        .map((t) => `${t.transactionId} (${formatAmount(t.depositMerchantMinor, t.currency)} deposit)`)
        .join(', '),
  ];
  return lines.join('\n');
}
