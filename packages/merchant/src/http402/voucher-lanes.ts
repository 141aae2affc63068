import {
  isTransactionId,
  type PurchaseListState,
  type VoucherBody,
  type VoucherItem,
} from '@tallystick/protocol';
import type { MerchantContext } from '../session/context.ts';
import type { MerchantSession } from '../session/model.ts';
import type { ExpectedItem } from '../session/purchase.ts';
import type { PaywallRefusal } from './errors.ts';
import {
  appendPurchaseSync,
  nodeKeyOf,
  type ParsedJws,
  parseCompactJws,
  spkiOf,
} from './platform/node-voucher.ts';
import { createLoader } from './session-info.ts';
import {
  checkVoucherMessage,
  checkVoucherMessageAsync,
  type VoucherSessionKey,
  type VoucherVerifyMode,
} from './voucher-check.ts';

interface LaneState {
  readonly seq: number;
  readonly cumulativeMinor: bigint;
  readonly purchaseList: PurchaseListState;
  readonly open: boolean;
}

/** One transaction's vouchers, in memory: the store's state plus the voucher being served, if any. */
interface VoucherLane extends VoucherSessionKey {
  readonly currency: string;
  readonly depositMinor: bigint;
  readonly expiresAtMs: number;
  state: LaneState;
  /** A voucher is reserved: its handler runs; the next one waits. */
  busy: boolean;
  readonly waiters: Set<() => void>;
}

export interface VoucherReservation {
  readonly lane: VoucherLane;
  readonly jws: string;
  readonly body: VoucherBody;
  readonly item: VoucherItem;
  readonly next: PurchaseListState;
}

export interface VoucherSettled {
  readonly transactionId: string;
  readonly payer: string;
  readonly seq: number;
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
  readonly currency: string;
  readonly remainingMinor: bigint;
}

type Reserve = VoucherReservation | PaywallRefusal;

export interface VoucherLanes {
  /** Synchronous when the transaction is in memory, its signature checked inline and the voucher's turn is now. */
  reserve(jws: string, expected: ExpectedItem): Reserve | Promise<Reserve>;
  settle(reservation: VoucherReservation): Promise<VoucherSettled | PaywallRefusal>;
  cancel(reservation: VoucherReservation): void;
}

export interface VoucherLaneLimits {
  /** How long a voucher waits for its predecessor (or for the one being served). */
  readonly waitMs: number;
  readonly waitersMax: number;
  readonly lanesMax: number;
  /**
   * Where signatures are verified: `worker` (one worker thread, batched: one
   * wake-up per turn of the event loop), `threadpool` (libuv's, a task per
   * voucher) or `inline`. Off the event loop a second core takes the ~70 µs
   * of P-256 arithmetic while the event loop serves other requests.
   */
  readonly verify: VoucherVerifyMode;
}

/**
 * Vouchers of one transaction are accepted strictly in seq order (each
 * extends the purchase list of the one before), and only after the handler
 * succeeded: a voucher is checked and *reserved*, the resource is served, and
 * only then stored with the store's compare-and-swap. While one is reserved
 * the next waits (bounded); one that arrives ahead of its predecessor waits
 * for it. A failed handler releases the reservation: nothing is charged and
 * the wallet may pay again with the same seq.
 */
export function createVoucherLanes(ctx: MerchantContext, limits: VoucherLaneLimits): VoucherLanes {
  const lanes = createLoader(
    (id) => loadLane(ctx, id),
    limits.lanesMax,
    (lane) => !lane.busy,
  );

  function reserve(jws: string, expected: ExpectedItem): Reserve | Promise<Reserve> {
    const parsed = parseCompactJws(jws);
    const txn = parsed?.claims.txn;
    if (!parsed || !isTransactionId(txn)) return 'voucher_malformed';
    const lane = lanes.peek(txn);
    if (lane !== undefined) return verified(parsed, lane, jws, expected);
    return lanes
      .get(txn)
      .then((loaded) => (loaded === undefined ? 'session_unknown' : verified(parsed, loaded, jws, expected)));
  }

  function verified(
    parsed: ParsedJws,
    lane: VoucherLane,
    jws: string,
    expected: ExpectedItem,
  ): Reserve | Promise<Reserve> {
    if (limits.verify !== 'inline') {
      return checkVoucherMessageAsync(parsed, lane, ctx.nowMs, limits.verify).then((body) =>
        typeof body === 'string' ? body : inTurn(lane, body, jws, expected),
      );
    }
    const body = checkVoucherMessage(parsed, lane, ctx.nowMs());
    return typeof body === 'string' ? body : inTurn(lane, body, jws, expected);
  }

  function inTurn(
    lane: VoucherLane,
    body: VoucherBody,
    jws: string,
    expected: ExpectedItem,
  ): Reserve | Promise<Reserve> {
    // The usual case (this voucher is next and the lane is free) takes no timer and no promise.
    if (!lane.busy && body.seq === lane.state.seq + 1) return hold(lane, body, jws, expected);
    return waitForTurn(lane, body.seq, Date.now() + limits.waitMs, limits.waitersMax).then((turn) =>
      turn === 'ok' ? hold(lane, body, jws, expected) : turn,
    );
  }

  /** The lane is free and this voucher is next: take the lane, then apply the session rules. */
  function hold(lane: VoucherLane, body: VoucherBody, jws: string, expected: ExpectedItem): Reserve {
    lane.busy = true;
    const problem = sessionRules(lane, body, ctx.nowMs());
    if (typeof problem === 'string') {
      release(lane);
      return problem;
    }
    if (problem.item.sku !== expected.sku || problem.item.priceMinor !== expected.priceMinor) {
      release(lane);
      return 'purchase_item_mismatch';
    }
    return { lane, jws, body, item: problem.item, next: problem.next };
  }

  async function settle(r: VoucherReservation): Promise<VoucherSettled | PaywallRefusal> {
    const { lane, body } = r;
    const before = lane.state;
    try {
      const outcome = await ctx.store.acceptVoucher(
        lane.transactionId,
        { seq: before.seq, cumulativeMinor: before.cumulativeMinor },
        {
          seq: body.seq,
          cumulativeMinor: body.cumulativeMinor,
          amountMinor: body.cumulativeMinor - before.cumulativeMinor,
          purchaseList: r.next,
          jws: r.jws,
          item: r.item,
          acceptedAtMs: ctx.nowMs(),
        },
      );
      if (outcome === 'accepted') {
        lane.state = {
          seq: body.seq,
          cumulativeMinor: body.cumulativeMinor,
          purchaseList: r.next,
          open: true,
        };
        return {
          transactionId: lane.transactionId,
          payer: lane.pseudonym,
          seq: body.seq,
          amountMinor: body.cumulativeMinor - before.cumulativeMinor,
          cumulativeMinor: body.cumulativeMinor,
          currency: lane.currency,
          remainingMinor: lane.depositMinor - body.cumulativeMinor,
        };
      }
      // Another process (or a terminate) moved the session: reread it.
      const stored = await ctx.store.getSession(lane.transactionId);
      if (!stored || outcome === 'unknown') {
        lanes.drop(lane.transactionId);
        return 'session_unknown';
      }
      lane.state = stateOf(stored);
      return outcome === 'terminated' ? 'session_terminated' : 'payment_not_settled';
    } finally {
      release(lane);
    }
  }

  return { reserve, settle, cancel: (r) => release(r.lane) };
}

async function loadLane(ctx: MerchantContext, transactionId: string): Promise<VoucherLane | undefined> {
  const session = await ctx.store.getSession(transactionId);
  if (!session) return undefined;
  const verification = await ctx.sessionKeys.get(transactionId, session.sessionKeyJwk);
  const key = nodeKeyOf(verification.publicJwk);
  return {
    transactionId,
    pseudonym: session.pseudonym,
    merchantId: ctx.merchantId,
    alg: verification.alg,
    kid: verification.kid,
    key,
    keyDer: spkiOf(key),
    currency: session.currency,
    depositMinor: session.depositMinor,
    expiresAtMs: session.expiresAtMs,
    state: stateOf(session),
    busy: false,
    waiters: new Set(),
  };
}

function stateOf(session: MerchantSession): LaneState {
  return {
    seq: session.seq,
    cumulativeMinor: session.cumulativeMinor,
    purchaseList: session.purchaseList,
    open: session.status === 'open',
  };
}

type Turn = 'ok' | 'voucher_stale_seq' | 'voucher_out_of_order' | 'session_busy';

async function waitForTurn(
  lane: VoucherLane,
  seq: number,
  deadlineMs: number,
  waitersMax: number,
): Promise<Turn> {
  for (;;) {
    if (seq <= lane.state.seq) return 'voucher_stale_seq';
    if (!lane.busy && seq === lane.state.seq + 1) return 'ok';
    const leftMs = deadlineMs - Date.now();
    if (leftMs <= 0) return seq > lane.state.seq + 1 ? 'voucher_out_of_order' : 'session_busy';
    if (lane.waiters.size >= waitersMax) return 'session_busy';
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        lane.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, leftMs);
      lane.waiters.add(wake);
    });
  }
}

function release(lane: VoucherLane): void {
  lane.busy = false;
  for (const wake of [...lane.waiters]) wake();
}

/** `verifyVoucher`'s session rules and purchase-list check, against the lane's live state, same codes. */
function sessionRules(
  lane: VoucherLane,
  body: VoucherBody,
  nowMs: number,
): PaywallRefusal | { item: VoucherItem; next: PurchaseListState } {
  const { state } = lane;
  if (!state.open) return 'session_terminated';
  if (body.currency !== lane.currency) return 'voucher_wrong_currency';
  if (nowMs > lane.expiresAtMs) return 'voucher_session_expired';
  if (body.cumulativeMinor < state.cumulativeMinor) return 'voucher_not_increasing';
  if (body.cumulativeMinor > lane.depositMinor) return 'voucher_exceeds_deposit';
  const item = body.item;
  if (!item) return 'voucher_purchase_list_mismatch';
  const next = appendPurchaseSync(state.purchaseList, { seq: state.purchaseList.count + 1, ...item });
  if (!next || next.hashHex !== body.purchaseListHash || next.totalMinor !== body.cumulativeMinor) {
    return 'voucher_purchase_list_mismatch';
  }
  return { item, next };
}
