import type { AmTransactionView } from '@tallystick/wallet';
import { type Balance, balanceOf, checkLedger } from '../network/ledger.ts';
import { CUSTOMER_OPERATOR, MERCHANT_OPERATOR } from '../network/model.ts';
import type { LocalNetwork } from '../network/network.ts';
import type { PartyCredentials } from '../network/parties.ts';
import type { BillingExportReport } from './billing.ts';
import type { CurrencyTableReport } from './currency-table.ts';
import type { SettlementReport } from './settlement.ts';

/** Amounts are decimal strings of minor units, as on the wire. */
export interface PurchaseReport {
  readonly seq: number;
  readonly sku: string;
  readonly priceMinor: string;
  /** False when the wallet signed for it but the shop never saw the voucher. */
  readonly delivered: boolean;
}

export interface RateReport {
  readonly base: string;
  readonly quote: string;
  readonly numerator: string;
  readonly denominator: string;
}

export interface TransactionReport {
  readonly transactionId: string;
  readonly status: string;
  readonly outcome: string | null;
  readonly reason: string | null;
  readonly voucherSeq: number | null;
  readonly customerCurrency: string;
  readonly merchantCurrency: string | null;
  readonly depositCustomerMinor: string;
  readonly depositMerchantMinor: string | null;
  readonly rate: RateReport | null;
  readonly purchases: readonly PurchaseReport[];
  readonly clearedMerchantMinor: string | null;
  readonly clearedCustomerMinor: string | null;
  readonly releasedCustomerMinor: string | null;
  readonly feeMinor: string | null;
  /** The settlement batch that took this transaction's position between the operators (`tally demo` only). */
  readonly settlementBatchId?: string | null;
}

export interface BalanceReport {
  readonly operatorId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly postedMinor: string;
  readonly pendingMinor: string;
}

/** The accounts the demo watches: the two parties and each operator's position toward the other. */
export interface Balances {
  readonly customer: BalanceReport;
  readonly merchant: BalanceReport;
  /** At op-a: what op-a owes op-b for its customers' purchases (credit balance). */
  readonly interopAtOpA: BalanceReport;
  /** At op-b: the same debt as op-b books it (debit balance). */
  readonly interopAtOpB: BalanceReport;
}

export interface DemoReport {
  readonly scenario: string;
  readonly sessionId: string;
  readonly customer: { readonly id: string; readonly operatorId: string; readonly accountId: string };
  readonly merchant: { readonly id: string; readonly operatorId: string; readonly accountId: string };
  readonly transactions: readonly TransactionReport[];
  readonly balancesBefore: Balances;
  readonly balancesAfter: Balances;
  /** Every currency sums to zero, posted and pending, on both operators. */
  readonly ledgerBalanced: boolean;
  /** Every hold on both operators resolved exactly once (none still pending). */
  readonly holdsResolved: boolean;
  /** Transactions whose terminate the shop did not take, with why (none, normally). */
  readonly undeliveredTerminates: readonly string[];
  /** `--scenario expired-table`: the expired table, the warning and the fresh one. */
  readonly currencyTable?: CurrencyTableReport;
  /** `tally demo`: the settlement batch run at the end, and both operators' reconciliation. */
  readonly settlement?: SettlementReport;
  /** `tally demo`: each operator's billing records, exported in every format. */
  readonly billingExports?: readonly BillingExportReport[];
}

/** `op.<operator>.interop.<peer>.<currency>`: the operator's position toward its peer (packages/operator mta/model.ts). */
export function interopAccountId(operatorId: string, peerId: string, currency: string): string {
  return `op.${operatorId}.interop.${peerId}.${currency}`;
}

export async function readBalances(network: LocalNetwork, customer: PartyCredentials): Promise<Balances> {
  const opA = network.customerOperator.node.db.kysely;
  const opB = network.merchantOperator.node.db.kysely;
  const sek = CUSTOMER_OPERATOR.currency;
  const [a, b] = [CUSTOMER_OPERATOR.id, MERCHANT_OPERATOR.id];
  return {
    customer: reportOf(a, await balanceOf(opA, customer.accountId, sek)),
    merchant: reportOf(
      b,
      await balanceOf(opB, network.merchantCredentials.accountId, MERCHANT_OPERATOR.currency),
    ),
    interopAtOpA: reportOf(a, await balanceOf(opA, interopAccountId(a, b, sek), sek)),
    interopAtOpB: reportOf(b, await balanceOf(opB, interopAccountId(b, a, sek), sek)),
  };
}

export async function checkBooks(
  network: LocalNetwork,
): Promise<{ balanced: boolean; holdsResolved: boolean }> {
  const checks = await Promise.all(
    [network.customerOperator, network.merchantOperator].map((op) => checkLedger(op.node.db.kysely)),
  );
  return {
    balanced: checks.every((c) => c.balanced),
    holdsResolved: checks.every((c) => c.holdsOpen.length === 0 && c.holdsBroken.length === 0),
  };
}

/** One transaction from the AM's view (what the customer's operator booked) and the demo's purchase log. */
export function transactionReport(
  view: AmTransactionView,
  purchases: readonly PurchaseReport[],
): TransactionReport {
  const v = view as unknown as AmViewFields;
  const c = v.clearing ?? undefined;
  return {
    transactionId: v.transactionId,
    status: v.status,
    outcome: c?.outcome ?? null,
    reason: c?.reason ?? null,
    voucherSeq: c?.voucherSeq ?? null,
    customerCurrency: v.customerCurrency,
    merchantCurrency: v.merchantCurrency,
    depositCustomerMinor: v.depositCustomerMinor,
    depositMerchantMinor: v.depositMerchantMinor,
    rate: v.rate,
    purchases,
    clearedMerchantMinor: c?.clearedMerchantMinor ?? null,
    clearedCustomerMinor: c?.clearedCustomerMinor ?? null,
    releasedCustomerMinor: c?.releasedCustomerMinor ?? null,
    feeMinor: c?.feeMinor ?? null,
  };
}

/** The fields of `GET /v1/am/transactions/:id` the report reads (docs/trading-sessions.md). */
interface AmViewFields {
  readonly transactionId: string;
  readonly status: string;
  readonly customerCurrency: string;
  readonly merchantCurrency: string | null;
  readonly depositCustomerMinor: string;
  readonly depositMerchantMinor: string | null;
  readonly rate: RateReport | null;
  readonly clearing: {
    readonly outcome: string;
    readonly reason: string;
    readonly voucherSeq: number;
    readonly clearedMerchantMinor: string;
    readonly clearedCustomerMinor: string;
    readonly releasedCustomerMinor: string;
    readonly feeMinor: string;
  } | null;
}

function reportOf(operatorId: string, balance: Balance): BalanceReport {
  return {
    operatorId,
    accountId: balance.accountId,
    currency: balance.currency,
    postedMinor: String(balance.postedMinor),
    pendingMinor: String(balance.pendingMinor),
  };
}
