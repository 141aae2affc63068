import { parseAmountMinor } from '../money/amount.ts';
import { isTallyScheme, type TallyScheme } from './constants.ts';
import { operatorOfNetwork, tallyNetwork } from './network.ts';
import type { SettleResponse } from './types.ts';

/**
 * What the merchant answers a paid request with (`PAYMENT-RESPONSE`): the
 * transaction, the proof's sequence (voucher seq, or the hash-chain index),
 * what this payment added and everything accepted so far.
 */
export interface TallyReceipt {
  readonly scheme: TallyScheme;
  readonly operatorId: string;
  readonly transactionId: string;
  /** The pseudonym the session runs under. */
  readonly payer: string;
  readonly seq: number;
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
  readonly currency: string;
  /** What is left of the deposit. */
  readonly remainingMinor: bigint;
}

export function receiptToSettleResponse(receipt: TallyReceipt): SettleResponse {
  return {
    success: true,
    transaction: receipt.transactionId,
    network: tallyNetwork(receipt.operatorId),
    payer: receipt.payer,
    amount: receipt.amountMinor.toString(),
    extra: {
      scheme: receipt.scheme,
      seq: receipt.seq,
      cumulativeMinor: receipt.cumulativeMinor.toString(),
      currency: receipt.currency,
      remainingMinor: receipt.remainingMinor.toString(),
    },
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
  const remainingMinor = parseAmountMinor(String(extra.remainingMinor));
  if (
    !isTallyScheme(extra.scheme) ||
    !Number.isSafeInteger(extra.seq) ||
    typeof extra.currency !== 'string' ||
    typeof amountMinor !== 'bigint' ||
    typeof cumulativeMinor !== 'bigint' ||
    typeof remainingMinor !== 'bigint'
  ) {
    return undefined;
  }
  return {
    scheme: extra.scheme,
    operatorId,
    transactionId: s.transaction,
    payer: typeof s.payer === 'string' ? s.payer : '',
    seq: extra.seq as number,
    amountMinor,
    cumulativeMinor,
    currency: extra.currency,
    remainingMinor,
  };
}
