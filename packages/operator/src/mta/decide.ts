import type { ClearingOutcome, ClearingReason } from '@tallystick/protocol';
import type { MtaRecord } from './model.ts';

/** One side's record and its last voucher, when that voucher checked out. */
export interface Evidence {
  readonly record: MtaRecord;
  readonly voucher: { readonly seq: number; readonly cumulativeMinor: bigint } | undefined;
  /** The hash-chain index the record's preimage proves (checked against the committed root), if any. */
  readonly hashChainIndex?: number;
}

export interface ClearingDecision {
  readonly outcome: ClearingOutcome;
  readonly reason: ClearingReason;
  /** The voucher cleared from; 0 when none. */
  readonly voucherSeq: number;
  /** In the merchant's currency, never above the merchant's deposit. */
  readonly clearedMerchantMinor: bigint;
  /** The hash-chain index cleared from, when the session was metered with one. */
  readonly hashChainIndex?: number;
}

/**
 * The tally (FIG 3), pure: records equal on count, total, hash and last seq
 * clear as agreed, at their voucher. Otherwise the newest valid voucher either
 * side holds decides: the merchant never gets more than the customer signed,
 * and the customer cannot deny what it signed. No voucher, nothing moves.
 * A hash chain (DESIGN §5) adds `index × unitPriceMinor` from the deepest
 * preimage either side holds: the customer revealed it, so cannot deny it.
 */
export function decideClearing(
  depositMerchantMinor: bigint,
  customer: Evidence | undefined,
  merchant: Evidence | undefined,
  unitPriceMinor = 0n,
): ClearingDecision {
  const chain = deepest(customer?.hashChainIndex, merchant?.hashChainIndex);
  const proofs = { chain, unitPriceMinor, depositMerchantMinor };
  if (
    customer &&
    merchant &&
    recordsMatch(customer.record, merchant.record) &&
    customer.hashChainIndex === merchant.hashChainIndex
  ) {
    const voucher = customer.voucher ?? merchant.voucher;
    if (voucher || chain) return cleared('agreed', 'records_match', voucher, proofs);
  }
  const reason = reasonOf(customer, merchant);
  const voucher = newest(customer?.voucher, merchant?.voucher);
  if (!voucher && !chain)
    return { outcome: 'nothing_claimed', reason, voucherSeq: 0, clearedMerchantMinor: 0n };
  return cleared('customer_vouchers', reason, voucher, proofs);
}

function deepest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? (a ?? b) : Math.max(a, b);
}

export function recordsMatch(a: MtaRecord, b: MtaRecord): boolean {
  return (
    a.purchaseCount === b.purchaseCount &&
    a.totalMinor === b.totalMinor &&
    a.purchaseListHash === b.purchaseListHash &&
    a.lastSeq === b.lastSeq
  );
}

/*
 * Two equal records without purchases cannot be `agreed`: the protocol ties
 * `agreed` to a voucher (voucherSeq > 0). They clear as `nothing_claimed`, and
 * the only reason the protocol offers with both records in is `records_differ`.
 */
function reasonOf(customer: Evidence | undefined, merchant: Evidence | undefined): ClearingReason {
  if (customer && merchant) return 'records_differ';
  if (customer) return 'merchant_record_missing';
  if (merchant) return 'customer_record_missing';
  return 'records_missing';
}

type Voucher = NonNullable<Evidence['voucher']>;

/** Highest seq; for one seq signed twice, the higher amount (the customer signed both). */
function newest(a: Voucher | undefined, b: Voucher | undefined): Voucher | undefined {
  if (!a || !b) return a ?? b;
  if (a.seq !== b.seq) return a.seq > b.seq ? a : b;
  return a.cumulativeMinor >= b.cumulativeMinor ? a : b;
}

function cleared(
  outcome: ClearingOutcome,
  reason: ClearingReason,
  voucher: Voucher | undefined,
  proofs: { chain: number | undefined; unitPriceMinor: bigint; depositMerchantMinor: bigint },
): ClearingDecision {
  const { chain, unitPriceMinor, depositMerchantMinor } = proofs;
  const total = (voucher?.cumulativeMinor ?? 0n) + BigInt(chain ?? 0) * unitPriceMinor;
  const capped = total < depositMerchantMinor ? total : depositMerchantMinor;
  return {
    outcome,
    reason,
    voucherSeq: voucher?.seq ?? 0,
    clearedMerchantMinor: capped,
    ...(chain !== undefined ? { hashChainIndex: chain } : {}),
  };
}
