import type { Rate } from '@tallystick/protocol';

/**
 * What an operator hands its billing system per transaction (seed: the AMs
 * "create and forward billing records to external billing systems"): a
 * `withdrawal` on the customer's side, written by the customer's AM when it
 * applies the clearing, and a `deposit` on the merchant's side, written by the
 * MTA when it clears. Export adapters (bank, telco billing) read these later.
 */
export type BillingKind = 'withdrawal' | 'deposit';

export interface BillingRecordInput {
  readonly transactionId: string;
  readonly kind: BillingKind;
  /** The customer (withdrawal) or merchant (deposit) of this operator. */
  readonly partyId: string;
  /** In `currency`: the customer's currency for a withdrawal, the merchant's for a deposit. */
  readonly amountMinor: bigint;
  readonly currency: string;
  /** The session's rate, customer currency (base) -> merchant currency (quote). */
  readonly rate: Rate;
  /** Operator fee in `currency`: the acquiring fee on a deposit, 0 on a withdrawal. */
  readonly feeMinor: bigint;
}

export interface BillingRecord extends BillingRecordInput {
  readonly createdAt: Date;
}
