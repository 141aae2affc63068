/** Every bound the wallet enforces (STYLE: a limit on everything, named, passed explicitly). */

/** One HTTP call to the AM, connection to last body byte. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Extra attempts for idempotent calls only (re-sending the same signed JWS, GETs). */
export const RETRIES_MAX = 2;
/** First retry delay; doubles per attempt, with up to 50 % jitter. */
export const RETRY_DELAY_MS = 250;
/** Largest answer body the wallet reads from an operator. */
export const RESPONSE_BYTES_MAX = 256 * 1024;
/** The operator document is refetched on an unknown kid at most this often. */
export const OPERATOR_KEYS_REFRESH_INTERVAL_MS = 10_000;
/** At most this many keys are read from an operator document. */
export const OPERATOR_KEYS_MAX = 16;
/** A transaction this close to its expiry takes no more payments: the session rolls over. */
export const EXPIRY_MARGIN_MS = 5_000;
/**
 * An initiation whose answer was lost is re-sent unchanged (the AM answers a
 * retried JWS with the original transaction) while it is younger than this;
 * well inside the receivers' 300 s clock-skew window.
 */
export const INITIATION_REUSE_MS_MAX = 120_000;
/** Unanswered initiations kept for re-sending. */
export const PENDING_INITIATIONS_MAX = 64;
/** The initiation's order size when the caller does not say. */
export const PURCHASE_COUNT_EXPECTED_DEFAULT = 1;
/** Where the AM publishes its signed currency table (DESIGN §8). */
export const CURRENCY_TABLE_PATH = '/v1/currency-table';
