import type { Rate } from '@tallystick/protocol';
import type { TransactionInfo } from '@tallystick/wallet';
import { formatMoney, formatRate, parseRate } from './money.ts';
import type { BalanceReport, Balances, TransactionReport } from './report.ts';

/** Where a scenario tells what happens. */
export interface Narrator {
  /** A numbered step. */
  step(title: string): void;
  /** A line under the current step. */
  detail(line: string): void;
}

/** Numbered steps with indented details, one line at a time. */
export function createNarrator(out: (line: string) => void): Narrator {
  let step = 0;
  return {
    step(title) {
      step += 1;
      out('');
      out(`${step}. ${title}`);
    },
    detail(line) {
      out(`   ${line}`);
    },
  };
}

/** Silence, for `--json`: stdout carries the one JSON object only. */
export const QUIET: Narrator = { step: () => undefined, detail: () => undefined };

const WHY: Readonly<Record<string, string>> = {
  'agreed/records_match': 'the two records match',
  'customer_vouchers/records_differ':
    'the records differ, so op-b follows the newest voucher the customer signed',
  'customer_vouchers/customer_record_missing':
    "no record from the customer, so op-b clears by the last voucher in the shop's record, which the customer signed",
  'customer_vouchers/merchant_record_missing':
    "no record from the shop, so op-b clears by the customer's own last voucher",
  'nothing_claimed/records_missing': 'no record arrived, so nothing is claimed: the whole deposit goes back',
  'nothing_claimed/records_differ': 'neither record holds a purchase: the whole deposit goes back',
};

export function describeOpened(say: Narrator, tx: TransactionInfo, rate: Rate | undefined, now: Date): void {
  say.detail(
    `op-a holds ${formatMoney(tx.depositCustomerMinor, tx.customerCurrency)} of the customer's money ` +
      `and vouches for it to op-b; op-b converts at ${rate ? formatRate(rate) : '?'}, rounded down, ` +
      `and promises the shop ${formatMoney(tx.depositMerchantMinor, tx.currency)}`,
  );
  const timerSeconds = Math.round((tx.expiresAtMs - now.getTime()) / 1000);
  say.detail(`transaction ${tx.transactionId}, pseudonym ${tx.pseudonym}, timer ${timerSeconds} s`);
}

export function describeRollOver(say: Narrator, previous: TransactionInfo, current: TransactionInfo): void {
  say.detail(
    `the next article does not fit in what is left of ${previous.transactionId}'s deposit: the wallet ` +
      `stops it (both records go in and it clears) and opens ${current.transactionId} with a new deposit ` +
      `of ${formatMoney(current.depositCustomerMinor, current.customerCurrency)} in the same session`,
  );
}

export function describeClearing(say: Narrator, tx: TransactionReport): void {
  const why = WHY[`${tx.outcome}/${tx.reason}`] ?? `${tx.reason}`;
  const voucher = tx.voucherSeq ? `; voucher ${tx.voucherSeq}` : '';
  say.detail(`${tx.transactionId}: ${tx.outcome} (${why}${voucher})`);
  if (tx.rate === null || tx.merchantCurrency === null) return;
  const money = (minor: string | null, currency: string) => formatMoney(BigInt(minor ?? '0'), currency);
  const deposit = money(tx.depositCustomerMinor, tx.customerCurrency);
  if (tx.outcome === 'nothing_claimed') {
    say.detail(`  the shop gets nothing; op-a releases the whole ${deposit} deposit`);
    return;
  }
  const rate = parseRate(tx.rate);
  const cleared = money(tx.clearedMerchantMinor, tx.merchantCurrency);
  const fee = BigInt(tx.feeMinor ?? '0');
  const credited = formatMoney(BigInt(tx.clearedMerchantMinor ?? '0') - fee, tx.merchantCurrency);
  say.detail(
    fee === 0n
      ? `  op-b credits the shop ${cleared}`
      : `  op-b credits the shop ${credited}: ${cleared} cleared less its fee of ${formatMoney(fee, tx.merchantCurrency)}`,
  );
  say.detail(
    `  op-a charges the customer ${money(tx.clearedCustomerMinor, tx.customerCurrency)} ` +
      `(${cleared} at ${formatRate(rate)}, rounded up) and releases ` +
      `${money(tx.releasedCustomerMinor, tx.customerCurrency)} of the ${deposit} deposit`,
  );
}

export function describeBalances(say: Narrator, before: Balances, after: Balances): void {
  const rows: [string, BalanceReport, BalanceReport, bigint][] = [
    ['customer at op-a', before.customer, after.customer, 1n],
    ['shop at op-b', before.merchant, after.merchant, 1n],
    ["op-a owes op-b (op-a's books)", before.interopAtOpA, after.interopAtOpA, 1n],
    ["op-a owes op-b (op-b's books)", before.interopAtOpB, after.interopAtOpB, -1n],
  ];
  const cell = (b: BalanceReport, sign: bigint) => formatMoney(sign * BigInt(b.postedMinor), b.currency);
  const width = Math.max(...rows.map(([label]) => label.length));
  say.detail(`${''.padEnd(width)}  ${'before'.padStart(14)}  ${'after'.padStart(14)}`);
  for (const [label, b, a, sign] of rows) {
    say.detail(`${label.padEnd(width)}  ${cell(b, sign).padStart(14)}  ${cell(a, sign).padStart(14)}`);
  }
}
