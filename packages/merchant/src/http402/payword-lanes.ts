import {
  isTransactionId,
  PaywordMeter,
  type PaywordPayload,
  type PaywordReservation,
  TALLY_SCHEMES,
} from '@tallystick/protocol';
import type { MerchantContext } from '../session/context.ts';
import type { PaywallRefusal } from './errors.ts';
import { sha256HexNode } from './platform/node-voucher.ts';
import { createLoader, hashChainOf } from './session-info.ts';

/** One transaction's hash chain, metered in memory (state is per process: route a transaction to one process). */
interface PaywordLane {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly currency: string;
  readonly depositMinor: bigint;
  readonly expiresAtMs: number;
  readonly meter: PaywordMeter;
  open: boolean;
  checkedAtMs: number;
}

export interface PaywordHold {
  readonly lane: PaywordLane;
  readonly reservation: PaywordReservation;
  readonly preimageHex: string;
}

export interface PaywordSettled {
  readonly scheme: typeof TALLY_SCHEMES.payword;
  readonly transactionId: string;
  readonly payer: string;
  readonly seq: number;
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
  readonly currency: string;
  readonly remainingMinor: bigint;
}

export interface PaywordLanes {
  reserve(
    payload: PaywordPayload,
    unitPriceMinor: bigint,
  ): PaywordHold | PaywallRefusal | Promise<PaywordHold | PaywallRefusal>;
  settle(hold: PaywordHold): PaywordSettled;
  cancel(hold: PaywordHold): void;
  /** The highest committed index and its preimage: what the merchant clears from. */
  top(transactionId: string): { readonly index: number; readonly preimageHex: string } | undefined;
  /** The session was terminated in this process: refuse its preimages from now on. */
  close(transactionId: string): void;
}

export interface PaywordLaneLimits {
  readonly lanesMax: number;
  /** A terminate stored by another path is noticed within this long. */
  readonly statusRefreshMs: number;
}

/**
 * Hash-chain payments: a synchronous check (one SHA-256 for in-order units)
 * against an in-memory meter per transaction, built from the stored session
 * on first use. No store access on the hot path; the session's status is
 * re-read in the background every `statusRefreshMs`.
 */
export function createPaywordLanes(ctx: MerchantContext, limits: PaywordLaneLimits): PaywordLanes {
  const lanes = createLoader<PaywordLane | 'payword_no_chain'>(
    (id) => loadLane(ctx, id),
    limits.lanesMax,
    () => true,
  );

  const check = (lane: PaywordLane, payload: PaywordPayload, unitPriceMinor: bigint) => {
    const nowMs = ctx.nowMs();
    if (nowMs - lane.checkedAtMs > limits.statusRefreshMs) refresh(lane, nowMs);
    if (!lane.open) return 'session_terminated';
    if (nowMs > lane.expiresAtMs) return 'voucher_session_expired';
    if (lane.meter.unitPriceMinor !== unitPriceMinor) return 'payword_wrong_units';
    const preimageHex = payload.preimage;
    const reservation = lane.meter.reserve({ index: payload.index, units: payload.units, preimageHex });
    return typeof reservation === 'string' ? reservation : { lane, reservation, preimageHex };
  };

  const refresh = (lane: PaywordLane, nowMs: number) => {
    lane.checkedAtMs = nowMs;
    void ctx.store.getSession(lane.transactionId).then(
      (s) => {
        lane.open = s?.status === 'open';
      },
      () => undefined,
    );
  };

  return {
    reserve(payload, unitPriceMinor) {
      const lane = lanes.peek(payload.transactionId);
      if (lane !== undefined) return typeof lane === 'string' ? lane : check(lane, payload, unitPriceMinor);
      if (!isTransactionId(payload.transactionId)) return 'payment_payload_invalid';
      return lanes.get(payload.transactionId).then((loaded) => {
        if (loaded === undefined) return 'session_unknown';
        return typeof loaded === 'string' ? loaded : check(loaded, payload, unitPriceMinor);
      });
    },
    settle({ lane, reservation, preimageHex }) {
      const committed = lane.meter.commit(reservation, preimageHex);
      return {
        scheme: TALLY_SCHEMES.payword,
        transactionId: lane.transactionId,
        payer: lane.pseudonym,
        seq: committed.index,
        amountMinor: committed.amountMinor,
        cumulativeMinor: committed.cumulativeMinor,
        currency: lane.currency,
        remainingMinor: lane.depositMinor - BigInt(committed.topIndex) * lane.meter.unitPriceMinor,
      };
    },
    cancel: ({ lane, reservation }) => lane.meter.release(reservation),
    top(transactionId) {
      const lane = lanes.peek(transactionId);
      return typeof lane === 'object' ? lane.meter.top : undefined;
    },
    close(transactionId) {
      const lane = lanes.peek(transactionId);
      if (typeof lane === 'object') lane.open = false;
    },
  };
}

async function loadLane(
  ctx: MerchantContext,
  transactionId: string,
): Promise<PaywordLane | 'payword_no_chain' | undefined> {
  const session = await ctx.store.getSession(transactionId);
  if (!session) return undefined;
  const chain = hashChainOf(session);
  if (!chain) return 'payword_no_chain';
  return {
    transactionId,
    pseudonym: session.pseudonym,
    currency: session.currency,
    depositMinor: session.depositMinor,
    expiresAtMs: session.expiresAtMs,
    meter: new PaywordMeter({ ...chain, depositMinor: session.depositMinor, step: sha256HexNode }),
    open: session.status === 'open',
    checkedAtMs: ctx.nowMs(),
  };
}
