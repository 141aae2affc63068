import { CURRENCY_EXPONENTS, importVerificationKey } from '@tallystick/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { RATES_REFRESH_MS_DEFAULT, type RatesFileConfig } from '../config/rates-file.ts';
import { RATES_FILE_ERROR_MESSAGES } from './errors.ts';
import type { QuotedRate, RateSource } from './model.ts';
import { createRatesFileProvider, type RatesFileProvider } from './provider.ts';
import { createTableRateSource } from './table.ts';

export interface OperatorRates {
  readonly source: RateSource;
  /** Set when a signed rates file is configured: its refresher runs beside the node. */
  readonly provider?: RatesFileProvider;
  /** How often the refresher polls the file (`TALLY_RATES_REFRESH_MS`). */
  readonly refreshMs: number;
  /** What the currency table may quote from this node's currency. */
  readonly tableCurrencies: readonly string[];
}

/**
 * The node's rate source: the configured table, and in front of it the signed
 * rates file when one is configured. The file is loaded once here so a node
 * starts with its rates; a refused or unreachable file is logged and start-up
 * goes on with the configured table (the refresher keeps trying).
 */
export async function wireRates(
  deps: {
    readonly currency: string;
    readonly rates?: readonly QuotedRate[];
    readonly ratesFile?: RatesFileConfig;
    readonly clock: () => Date;
    readonly fetch?: typeof fetch;
  },
  log: FastifyBaseLogger,
): Promise<OperatorRates> {
  const table = createTableRateSource(deps.rates ?? []);
  const configured = (deps.rates ?? []).filter((r) => r.base === deps.currency).map((r) => r.quote);
  if (!deps.ratesFile)
    return { source: table, refreshMs: RATES_REFRESH_MS_DEFAULT, tableCurrencies: configured };
  const provider = createRatesFileProvider({
    source: deps.ratesFile.source,
    publisherKey: await importVerificationKey(deps.ratesFile.publisherJwk),
    fallback: table,
    clock: deps.clock,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const first = await provider.refresh();
  if (first.ok) log.info({ ratesId: first.ratesId, rates: first.rates }, 'rates file loaded');
  else
    log.warn(
      { code: first.error, detail: first.detail },
      `rates file refused at start-up: ${RATES_FILE_ERROR_MESSAGES[first.error]}`,
    );
  // The file may quote any pair later: the table offers every known currency the source prices at issue time.
  return {
    source: provider,
    provider,
    refreshMs: deps.ratesFile.refreshMs,
    tableCurrencies: Object.keys(CURRENCY_EXPONENTS),
  };
}
