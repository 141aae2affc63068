import type { SigningKey } from '@tallystick/protocol';
import { type CurrencyTableBody, type Rate, signCurrencyTable, stringifyWire } from '@tallystick/protocol';
import type { RateSource } from '../rates/model.ts';
import {
  CURRENCY_TABLE_VALIDITY_MS_MAX,
  CURRENCY_TABLE_VALIDITY_MS_MIN,
  type IssuedCurrencyTable,
} from './model.ts';

export interface CurrencyTableDeps {
  readonly operatorId: string;
  /** The customers' currency: every rate reads it -> a merchant currency. */
  readonly currency: string;
  readonly key: SigningKey;
  readonly rates: RateSource;
  /** The merchant currencies to quote; a pair the rate source lacks is left out. */
  readonly quoteCurrencies: readonly string[];
  readonly validityMs: number;
  readonly clock: () => Date;
}

export interface CurrencyTableService {
  /** The table of the current validity window, signed now (the signature's `iat` must be fresh for the wallet). */
  issue(): Promise<IssuedCurrencyTable>;
}

/**
 * Signed currency tables for this operator's wallets (seed 002: "the device
 * checks if a valid currency table exists"). Nothing is stored: a table is a
 * function of the window and the rate source, and its id is derived from
 * both, so a re-issue in the same window carries the same id.
 */
export function createCurrencyTableService(deps: CurrencyTableDeps): CurrencyTableService {
  if (
    !Number.isSafeInteger(deps.validityMs) ||
    deps.validityMs < CURRENCY_TABLE_VALIDITY_MS_MIN ||
    deps.validityMs > CURRENCY_TABLE_VALIDITY_MS_MAX
  ) {
    throw new RangeError(`currency table validity ${deps.validityMs} ms is out of bounds`);
  }
  return {
    async issue() {
      const nowMs = deps.clock().getTime();
      const validFromMs = nowMs - (nowMs % deps.validityMs);
      const validUntilMs = validFromMs + deps.validityMs;
      const at = new Date(validFromMs);
      const rates = unique(deps.quoteCurrencies)
        .filter((quote) => quote !== deps.currency)
        .map((quote) => deps.rates.rate(deps.currency, quote, at))
        .filter((rate): rate is Rate => rate !== undefined);
      const tableId = await tableIdOf(deps.operatorId, validFromMs, validUntilMs, rates);
      const body: CurrencyTableBody = {
        tableId,
        operatorId: deps.operatorId,
        currency: deps.currency,
        validFromMs,
        validUntilMs,
        rates,
      };
      const address = { iss: deps.operatorId, aud: deps.operatorId, nowMs };
      const table = await signCurrencyTable(deps.key, address, body);
      return { tableId, validFromMs, validUntilMs, table };
    },
  };
}

async function tableIdOf(
  operatorId: string,
  validFromMs: number,
  validUntilMs: number,
  rates: readonly Rate[],
): Promise<string> {
  const canonical = new TextEncoder().encode(stringifyWire([operatorId, validFromMs, validUntilMs, rates]));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', canonical));
  const hex = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  return `ct-${validFromMs.toString(36)}-${hex}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
