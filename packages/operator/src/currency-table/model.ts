/** How long one issued currency table is valid: tables are window-aligned, so every wallet in a window sees the same id. */
export const CURRENCY_TABLE_VALIDITY_MS_DEFAULT = 60 * 60 * 1000;
export const CURRENCY_TABLE_VALIDITY_MS_MIN = 60 * 1000;
export const CURRENCY_TABLE_VALIDITY_MS_MAX = 7 * 24 * 60 * 60 * 1000;
/** Where an operator publishes its signed currency table (DESIGN §8). */
export const CURRENCY_TABLE_PATH = '/v1/currency-table';

export interface IssuedCurrencyTable {
  readonly tableId: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  /** Compact JWS, `tally.currency_table`, signed by the operator key (iss and aud: this operator). */
  readonly table: string;
}
