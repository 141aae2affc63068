import { describe, expect, it } from 'vitest';
import { withTimeout } from './timeout.ts';

describe('withTimeout', () => {
  it('aborts a call that runs too long with the reason AbortSignal.timeout gives', async () => {
    const seen: unknown[] = [];
    const call = withTimeout(
      20,
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            seen.push(signal.reason);
            reject(signal.reason);
          });
        }),
    );
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(seen).toHaveLength(1);
  });

  it('returns what a fast call returns, and its signal never aborts afterwards', async () => {
    let kept: AbortSignal | undefined;
    expect(
      await withTimeout(20, async (signal) => {
        kept = signal;
        return 42;
      }),
    ).toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(kept?.aborted).toBe(false);
  });

  it('passes a failure through unchanged and clears its timer', async () => {
    let kept: AbortSignal | undefined;
    const failure = new Error('refused');
    await expect(
      withTimeout(20, async (signal) => {
        kept = signal;
        throw failure;
      }),
    ).rejects.toBe(failure);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(kept?.aborted).toBe(false);
  });
});
