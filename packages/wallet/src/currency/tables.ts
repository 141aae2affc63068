import {
  type CurrencyTableBody,
  CurrencyTableMessage,
  JwsVerifyError,
  MessageBodyError,
  verifyTyped,
} from '@tallystick/protocol';
import { TallyResponseError } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { CURRENCY_TABLE_PATH } from '../limits.ts';
import type { OperatorKeys } from '../operator/keys.ts';
import type { CurrencyTable, CurrencyTableWarning } from './model.ts';
import { isExpired } from './quote.ts';

export interface CurrencyTables {
  /** The cached table while it is valid; never fetches. */
  cached(): CurrencyTable | undefined;
  /**
   * A valid table: the cached one, or a fresh one when it is missing or
   * expired (said in `warnings`). When the refresh fails and an expired
   * table is cached, that table is returned with `currency_table_refresh_failed`.
   * @throws the fetch or verification error when no table is cached at all.
   */
  current(): Promise<{ readonly table: CurrencyTable; readonly warnings: readonly CurrencyTableWarning[] }>;
}

export interface CurrencyTablesDeps {
  readonly http: HttpClient;
  readonly amKeys: OperatorKeys;
  readonly amOperatorId: string;
  readonly customerCurrency: () => Promise<string>;
  readonly nowMs: () => number;
  /** Called with each warning as it happens, besides the quote's `warnings`. */
  readonly onWarning?: (warning: CurrencyTableWarning) => void;
}

/** The wallet's one cached currency table (seed 002: "the device checks if a valid currency table exists"). */
export function createCurrencyTables(deps: CurrencyTablesDeps): CurrencyTables {
  let latest: CurrencyTable | undefined;
  let inFlight: Promise<CurrencyTable> | undefined;
  const refresh = () => {
    inFlight ??= fetchTable(deps)
      .then((table) => {
        latest = table;
        return table;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const warn = (warnings: CurrencyTableWarning[], warning: CurrencyTableWarning) => {
    warnings.push(warning);
    deps.onWarning?.(warning);
  };
  return {
    cached: () => (latest && !isExpired(latest, deps.nowMs()) ? latest : undefined),
    async current() {
      if (latest && !isExpired(latest, deps.nowMs())) return { table: latest, warnings: [] };
      const stale = latest;
      const warnings: CurrencyTableWarning[] = [];
      warn(warnings, stale ? 'currency_table_expired' : 'currency_table_missing');
      try {
        return { table: await refresh(), warnings };
      } catch (error) {
        if (!stale) throw error;
        warn(warnings, 'currency_table_refresh_failed');
        return { table: stale, warnings };
      }
    },
  };
}

async function fetchTable(deps: CurrencyTablesDeps): Promise<CurrencyTable> {
  const answer = await deps.http.call('GET', CURRENCY_TABLE_PATH, { idempotent: true, authenticated: false });
  const invalid = (detail: string, cause?: unknown) =>
    new TallyResponseError('currency_table_invalid', detail, cause === undefined ? {} : { cause });
  if (typeof answer.table !== 'string') throw invalid('the answer carries no table');
  let body: CurrencyTableBody;
  try {
    ({ body } = await verifyTyped(answer.table, CurrencyTableMessage, {
      resolveKey: deps.amKeys.resolveKey,
      audience: deps.amOperatorId,
      nowMs: deps.nowMs(),
    }));
  } catch (error) {
    if (error instanceof JwsVerifyError || error instanceof MessageBodyError)
      throw invalid(error.message, error);
    throw error;
  }
  const currency = await deps.customerCurrency();
  if (body.currency !== currency)
    throw invalid(`is in ${body.currency}, the customer's currency is ${currency}`);
  return {
    tableId: body.tableId,
    operatorId: body.operatorId,
    currency: body.currency,
    validFromMs: body.validFromMs,
    validUntilMs: body.validUntilMs,
    rates: new Map(body.rates.map((rate) => [rate.quote, rate])),
  };
}
