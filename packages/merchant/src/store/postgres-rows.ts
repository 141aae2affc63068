import type { PublicJwk, Rate, TerminateReason, TerminatingParty, VoucherItem } from '@tallystick/protocol';
import type { AcceptedVoucher, MerchantSession } from '../session/model.ts';

/*
 * Row <-> object. Drivers differ on int8 (pg: string, PGlite: number or
 * bigint), so every integer column is read through `big`/`int`.
 */
type Row = Record<string, unknown>;

const big = (v: unknown): bigint => BigInt(v as string | number | bigint);
const int = (v: unknown): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`assertion: stored integer out of range: ${String(v)}`);
  return n;
};
const optional = <T>(v: unknown, read: (v: unknown) => T): T | undefined =>
  v === null || v === undefined ? undefined : read(v);

export function rateToText(rate: Rate): string {
  return JSON.stringify({
    ...rate,
    numerator: rate.numerator.toString(),
    denominator: rate.denominator.toString(),
  });
}

function rateOf(text: unknown): Rate {
  const r = JSON.parse(String(text)) as Record<string, string>;
  return {
    base: String(r.base),
    quote: String(r.quote),
    numerator: BigInt(String(r.numerator)),
    denominator: BigInt(String(r.denominator)),
  };
}

export function itemToText(item: VoucherItem | undefined): string | null {
  return item ? JSON.stringify({ ...item, priceMinor: item.priceMinor.toString() }) : null;
}

function itemOf(text: unknown): VoucherItem {
  const i = JSON.parse(String(text)) as Record<string, unknown>;
  return {
    sku: String(i.sku),
    description: String(i.description),
    priceMinor: big(i.priceMinor),
    atMs: int(i.atMs),
  };
}

export function sessionOf(row: Row): MerchantSession {
  const transactionId = String(row.transaction_id);
  const terminatedBy = optional(row.terminated_by, String);
  const recordJws = optional(row.record_jws, String);
  const lastVoucher = optional(row.last_voucher, String);
  const recordStatus = optional(row.record_status, String);
  const recordSubmittedAtMs = optional(row.record_submitted_at_ms, int);
  return {
    transactionId,
    merchantId: String(row.merchant_id),
    pseudonym: String(row.pseudonym),
    sessionKeyJwk: JSON.parse(String(row.session_key_jwk)) as PublicJwk,
    depositMinor: big(row.deposit_minor),
    currency: String(row.currency),
    rate: rateOf(row.rate),
    offerId: String(row.offer_id),
    expiresAtMs: int(row.expires_at_ms),
    seq: int(row.seq),
    cumulativeMinor: big(row.cumulative_minor),
    purchaseList: Object.freeze({
      transactionId,
      count: int(row.purchase_count),
      totalMinor: big(row.purchase_total_minor),
      hashHex: String(row.purchase_list_hash),
    }),
    ...(lastVoucher !== undefined ? { lastVoucher } : {}),
    status: row.status === 'terminated' ? 'terminated' : 'open',
    ...(terminatedBy !== undefined
      ? {
          termination: {
            by: terminatedBy as TerminatingParty,
            reason: String(row.terminate_reason) as TerminateReason,
            jws: String(row.terminate_jws),
            lastSeq: int(row.terminate_last_seq),
            atMs: int(row.terminated_at_ms),
          },
        }
      : {}),
    informationJws: String(row.information_jws),
    merchantAckJws: String(row.merchant_ack_jws),
    ...(recordJws !== undefined
      ? {
          record: {
            jws: recordJws,
            ...(recordStatus !== undefined ? { status: recordStatus } : {}),
            ...(recordSubmittedAtMs !== undefined ? { submittedAtMs: recordSubmittedAtMs } : {}),
          },
        }
      : {}),
    createdAtMs: int(row.created_at_ms),
  };
}

export function voucherOf(row: Row): AcceptedVoucher {
  const transactionId = String(row.transaction_id);
  const cumulativeMinor = big(row.cumulative_minor);
  return {
    seq: int(row.seq),
    cumulativeMinor,
    amountMinor: big(row.amount_minor),
    purchaseList: Object.freeze({
      transactionId,
      count: int(row.purchase_count),
      totalMinor: cumulativeMinor,
      hashHex: String(row.purchase_list_hash),
    }),
    jws: String(row.jws),
    ...(row.item !== null && row.item !== undefined ? { item: itemOf(row.item) } : {}),
    acceptedAtMs: int(row.accepted_at_ms),
  };
}
