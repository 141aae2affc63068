import { parseAmountMinor } from '../money/amount.ts';
import { operatorOfNetwork, tallyNetwork } from './network.ts';
import type { SettleResponse } from './types.ts';

/**
 * What the merchant answers a paid request with (`PAYMENT-RESPONSE`): the
 * transaction, the proof's sequence (voucher seq, or the hash-chain index),
 * what this payment added and everything accepted so far in the
 * transaction (both in the currency of the offer). Kept small: it rides on
 * every paid response.
 */
export interface TallyReceipt {
  readonly operatorId: string;
  readonly transactionId: string;
  readonly seq: number;
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
}

export function receiptToSettleResponse(receipt: TallyReceipt): SettleResponse {
  return {
    success: true,
    transaction: receipt.transactionId,
    network: tallyNetwork(receipt.operatorId),
    amount: receipt.amountMinor.toString(),
    extra: { seq: receipt.seq, cumulativeMinor: receipt.cumulativeMinor.toString() },
  };
}

/** Reads a decoded `PAYMENT-RESPONSE`; undefined when it is not a Tallystick receipt. */
export function receiptOfSettleResponse(value: unknown): TallyReceipt | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<SettleResponse>;
  const extra = s.extra as Record<string, unknown> | undefined;
  const operatorId = operatorOfNetwork(s.network);
  if (s.success !== true || operatorId === undefined || typeof s.transaction !== 'string' || !extra) {
    return undefined;
  }
  const amountMinor = parseAmountMinor(String(s.amount));
  const cumulativeMinor = parseAmountMinor(String(extra.cumulativeMinor));
  if (
    !Number.isSafeInteger(extra.seq) ||
    typeof amountMinor !== 'bigint' ||
    typeof cumulativeMinor !== 'bigint'
  ) {
    return undefined;
  }
  return { operatorId, transactionId: s.transaction, seq: extra.seq as number, amountMinor, cumulativeMinor };
}
