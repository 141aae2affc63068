import { MerchantError } from '../errors.ts';
import {
  EXPIRY_GUARD_INTERVAL_MS,
  EXPIRY_GUARD_SESSIONS_PER_PASS_MAX,
  EXPIRY_GUARD_WITHIN_MS,
} from '../limits.ts';
import { type CloseExpiringOptions, type CloseExpiringResult, checkCloseOptions } from './expiry.ts';

export interface ExpiryGuardOptions extends CloseExpiringOptions {
  /** Pause between the end of one pass and the start of the next. */
  readonly intervalMs?: number;
  /** Each pass's result, e.g. to log `failed`. */
  readonly onPass?: (result: CloseExpiringResult) => void;
  /** A pass that failed as a whole (the store unreachable); the guard keeps running. */
  readonly onError?: (error: unknown) => void;
}

export interface ExpiryGuard {
  /** No new pass starts; resolves once a pass in progress has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `close` at once and then `intervalMs` after each pass ends, so passes
 * never overlap. The timer is unref'd: the guard never keeps a process alive.
 */
export function startExpiryGuard(
  close: (options: CloseExpiringOptions) => Promise<CloseExpiringResult>,
  options: ExpiryGuardOptions = {},
): ExpiryGuard {
  const intervalMs = options.intervalMs ?? EXPIRY_GUARD_INTERVAL_MS;
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1)
    throw MerchantError.of('config_invalid', 'intervalMs must be a positive integer');
  // Bad margins fail here, at start-up, not in every pass.
  checkCloseOptions(
    options.withinMs ?? EXPIRY_GUARD_WITHIN_MS,
    options.limit ?? EXPIRY_GUARD_SESSIONS_PER_PASS_MAX,
  );
  const closeOptions = {
    ...(options.withinMs !== undefined ? { withinMs: options.withinMs } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pass = async () => {
    let result: CloseExpiringResult;
    try {
      result = await close(closeOptions);
    } catch (error) {
      report(options.onError, error);
      return;
    }
    try {
      options.onPass?.(result);
    } catch {
      // The caller's reporting failed, not the pass: nothing to retry.
    }
  };
  const next = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().then(next);
    }, intervalMs);
    // Node's timers have unref; elsewhere there is no process to keep alive.
    (timer as { unref?: () => void }).unref?.();
  };
  let running: Promise<void> = pass().then(next);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** A throwing `onError` must not end the loop: the guard is what gets the merchant paid. */
function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  try {
    onError?.(error);
  } catch {
    // Nothing sensible left to tell; the next pass runs regardless.
  }
}
