/** Every bound the merchant SDK enforces (STYLE: a limit on everything, named, passed explicitly). */

/** One HTTP call to the MTA, connection to last body byte. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Extra attempts for idempotent calls only (re-sending the same signed record, GETs). */
export const RETRIES_MAX = 2;
/** First retry delay; doubles per attempt, with up to 50 % jitter. */
export const RETRY_DELAY_MS = 250;
/** Largest answer the SDK reads from the MTA. */
export const RESPONSE_BYTES_MAX = 256 * 1024;
/** Largest information request the handler reads (the JWS limit plus JSON framing). */
export const INFORMATION_BODY_BYTES_MAX = 72 * 1024;
/** The MTA's operator document is refetched on an unknown kid at most this often. */
export const OPERATOR_KEYS_REFRESH_INTERVAL_MS = 10_000;
/** At most this many keys are read from an operator document. */
export const OPERATOR_KEYS_MAX = 16;
/** Imported session keys kept in memory (least recently used are dropped and re-imported from the store). */
export const SESSION_KEY_CACHE_ENTRIES_MAX = 10_000;
/** Connections of a pool the PostgreSQL store creates itself. */
export const PG_POOL_SIZE_MAX = 10;
/** A merchant stop that keeps racing with purchases gives up after this many attempts. */
export const TERMINATE_ATTEMPTS_MAX = 8;
/**
 * The expiry guard's defaults. The MTA clears a session from whatever records
 * it holds as soon as its timer runs out (its worker looks about twice a
 * second), and refuses a record once cleared, so the merchant's record must
 * be in before the expiry by the MTA's clock. The margin is one guard
 * interval (a session may be found that late), one record submission with
 * every retry (attempts × request timeout; the retry delays fit in the skew
 * allowance), and clock skew between an NTP-synchronised merchant and MTA.
 * Sessions shorter than the margin are closed at the first pass after they
 * open: pass a smaller `withinMs` for those.
 */
export const EXPIRY_GUARD_INTERVAL_MS = 5_000;
export const EXPIRY_GUARD_CLOCK_SKEW_MS = 5_000;
export const EXPIRY_GUARD_WITHIN_MS =
  EXPIRY_GUARD_INTERVAL_MS + (RETRIES_MAX + 1) * REQUEST_TIMEOUT_MS + EXPIRY_GUARD_CLOCK_SKEW_MS;
/** Sessions one guard pass closes at the same time: a slow MTA answer holds up only its own. */
export const EXPIRY_GUARD_CONCURRENCY = 8;
/** Sessions one guard pass closes (oldest expiry first); the rest wait for the next pass. */
export const EXPIRY_GUARD_SESSIONS_PER_PASS_MAX = 100;
