import { MerchantError } from '../errors.ts';
import {
  EXPIRY_GUARD_CLOCK_SKEW_MS,
  EXPIRY_GUARD_CONCURRENCY,
  EXPIRY_GUARD_SESSIONS_PER_PASS_MAX,
  EXPIRY_GUARD_WITHIN_MS,
} from '../limits.ts';
import type { MerchantContext } from './context.ts';
import type { MerchantSession } from './model.ts';
import { submitRecord } from './record.ts';
import { terminateSession } from './terminate.ts';

export interface CloseExpiringOptions {
  /** Close sessions expiring within this many ms from now (already expired ones too). */
  readonly withinMs?: number;
  /** At most this many sessions, soonest expiry first. */
  readonly limit?: number;
}

export interface CloseExpiringResult {
  /** Terminated (by the merchant now, or by either side before) and the record accepted by the MTA. */
  readonly closed: readonly string[];
  /** Each with the error's code (an MTA refusal keeps the MTA's code); terminated ones stay terminated. */
  readonly failed: readonly { readonly transactionId: string; readonly code: string }[];
}

/**
 * Closes the merchant's open sessions before the MTA's timer does (DESIGN §3,
 * stop by timer): merchant terminate, then the record, so a customer who
 * vanished without a terminate still pays what its vouchers show. A session
 * terminated earlier whose record the MTA has not accepted (the app never
 * sent it, or the MTA was unreachable) gets its record sent again, until
 * shortly after expiry. One session failing does not stop the others.
 */
export async function closeExpiring(
  ctx: MerchantContext,
  options: CloseExpiringOptions = {},
): Promise<CloseExpiringResult> {
  const withinMs = options.withinMs ?? EXPIRY_GUARD_WITHIN_MS;
  const limit = options.limit ?? EXPIRY_GUARD_SESSIONS_PER_PASS_MAX;
  checkCloseOptions(withinMs, limit);
  const nowMs = ctx.nowMs();
  // Expired longer ago than the clock skew: the MTA has cleared on its timer and refuses a record now.
  const fromMs = nowMs - EXPIRY_GUARD_CLOCK_SKEW_MS;
  const due = await ctx.store.listAwaitingRecord(ctx.merchantId, fromMs, nowMs + withinMs, limit);
  // A few at a time: one slow MTA answer (up to every retry's timeout) must not hold up the
  // sessions behind it until they expire. Results keep the soonest-first order.
  const outcomes: (string | undefined)[] = new Array(due.length);
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const i = next++;
      outcomes[i] = await closeOne(ctx, due[i] as MerchantSession);
    }
  };
  await Promise.all(Array.from({ length: Math.min(EXPIRY_GUARD_CONCURRENCY, due.length) }, worker));
  const closed: string[] = [];
  const failed: { transactionId: string; code: string }[] = [];
  due.forEach(({ transactionId }, i) => {
    const code = outcomes[i];
    if (code === undefined) closed.push(transactionId);
    else failed.push({ transactionId, code });
  });
  return { closed, failed };
}

/** Undefined when the MTA accepted the record, else the error's code. */
async function closeOne(ctx: MerchantContext, session: MerchantSession): Promise<string | undefined> {
  try {
    // Terminated already (by the customer, or by an earlier pass whose record did not get through):
    // only the record is missing, and `submitRecord` sends the one signed record again.
    if (session.status === 'open') await terminateSession(ctx, session.transactionId);
    await submitRecord(ctx, session.transactionId);
    return undefined;
  } catch (error) {
    return codeOf(error);
  }
}

export function checkCloseOptions(withinMs: number, limit: number): void {
  if (!Number.isSafeInteger(withinMs) || withinMs < 0)
    throw MerchantError.of('config_invalid', 'withinMs must be a non-negative integer');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > EXPIRY_GUARD_SESSIONS_PER_PASS_MAX)
    throw MerchantError.of(
      'config_invalid',
      `limit must be an integer in 1..${EXPIRY_GUARD_SESSIONS_PER_PASS_MAX}`,
    );
}

function codeOf(error: unknown): string {
  return error instanceof MerchantError ? error.code : 'internal_error';
}
