import { MerchantError } from '../errors.ts';
import {
  EXPIRY_GUARD_CLOCK_SKEW_MS,
  EXPIRY_GUARD_SESSIONS_PER_PASS_MAX,
  EXPIRY_GUARD_WITHIN_MS,
} from '../limits.ts';
import type { MerchantContext } from './context.ts';
import { submitRecord } from './record.ts';
import { terminateSession } from './terminate.ts';

export interface CloseExpiringOptions {
  /** Close sessions expiring within this many ms from now (already expired ones too). */
  readonly withinMs?: number;
  /** At most this many sessions, soonest expiry first. */
  readonly limit?: number;
}

export interface CloseExpiringResult {
  /** Terminated by the merchant and the record accepted by the MTA. */
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
  const closed: string[] = [];
  const failed: { transactionId: string; code: string }[] = [];
  for (const { transactionId, status } of due) {
    try {
      // Terminated already (by the customer, or by an earlier pass whose record did not get through):
      // only the record is missing, and `submitRecord` sends the one signed record again.
      if (status === 'open') await terminateSession(ctx, transactionId);
      await submitRecord(ctx, transactionId);
      closed.push(transactionId);
    } catch (error) {
      failed.push({ transactionId, code: codeOf(error) });
    }
  }
  return { closed, failed };
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
