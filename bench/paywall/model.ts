/** What the bench's two processes agree on. */
export const MERCHANT_ID = 'bench-shop';
export const MTA_ID = 'op-b';
export const OFFER_ID = 'bench';
export const CURRENCY = 'EUR';
export const ROUTE = 'GET /paid';
export const PATH = '/paid';
export const PRICE_MINOR = 1n;
/** Every session's deposit: never the limit in a bench. */
export const DEPOSIT_MINOR = 10n ** 15n;

export type ToServer =
  | { type: 'setup'; mtaPublicJwk: Record<string, unknown>; informations: string[] }
  | { type: 'mark' }
  | { type: 'report' }
  | { type: 'stop' };
export type ToRunner =
  | { type: 'ready'; unpaidUrl: string; paidUrl: string; floorUrl: string }
  /**
   * Since the mark: milliseconds the server's event loop was busy (wall
   * time, including time the process was preempted) and the CPU
   * milliseconds it used (user + system: its own work only), and of those the
   * system (kernel) milliseconds.
   */
  | {
      type: 'utilization';
      value: number;
      cpuMs: number;
      systemMs: number;
      /** Of `cpuMs`, the main thread's and the other threads' (thread pool, workers, GC helpers). */
      mainThreadMs: number;
      otherThreadsMs: number;
    }
  | { type: 'error'; message: string };

/** The trivial JSON endpoint: the worst case for the paywall's relative overhead. */
export const BODY = { ok: true };
