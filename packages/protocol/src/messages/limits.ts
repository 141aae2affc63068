/** Every bound the trading-session messages enforce, in one place (STYLE: a limit on everything). */
export const SESSION_TIMEOUT_SECONDS_MIN = 10;
export const SESSION_TIMEOUT_SECONDS_MAX = 86_400;
export const PURCHASE_COUNT_MAX = 1_000_000;
export const HASH_CHAIN_LENGTH_MAX = 1_000_000;
export const OFFER_ID_LENGTH_MAX = 128;
export const SKU_LENGTH_MAX = 128;
export const DESCRIPTION_LENGTH_MAX = 512;
export const KID_LENGTH_MAX = 128;
/** A JWS carried inside another message (a voucher in a record). Well under the outer `JWS_BYTES_MAX`. */
export const EMBEDDED_JWS_CHARS_MAX = 8_192;
