import { isOperatorId, type SigningKey } from '@tallystick/protocol';
import { type AmApi, type AmTransactionView, createAmApi } from './am/api.ts';
import type { CurrencyTableWarning, PricedOffer, PriceQuote } from './currency/model.ts';
import { checkPricedOffer, quoteWith } from './currency/quote.ts';
import { createCurrencyTables } from './currency/tables.ts';
import { TallyConfigError } from './errors.ts';
import { createHttpClient } from './http/client.ts';
import {
  EXPIRY_MARGIN_MS,
  INITIATION_REUSE_MS_MAX,
  OPERATOR_KEYS_MAX,
  OPERATOR_KEYS_REFRESH_INTERVAL_MS,
  PENDING_INITIATIONS_MAX,
  PURCHASE_COUNT_EXPECTED_DEFAULT,
  REQUEST_TIMEOUT_MS,
  RESPONSE_BYTES_MAX,
  RETRIES_MAX,
  RETRY_DELAY_MS,
} from './limits.ts';
import { createOperatorKeys } from './operator/keys.ts';
import type { WalletContext } from './session/context.ts';
import type { Offer, OpenSessionOptions } from './session/model.ts';
import { createPendingInitiations } from './session/pending.ts';
import { TradingSession } from './session/trading-session.ts';
import { checkOffer, checkOptions } from './session/validate.ts';

export interface WalletConfig {
  /** The customer's operator, e.g. `https://am.bank.example`. */
  readonly amBaseUrl: string;
  readonly amOperatorId: string;
  /** The customer's id at the AM: the initiation's issuer. */
  readonly customerId: string;
  /** `tsk_…`, sent as a bearer token to the AM. */
  readonly apiKey: string;
  /** The key registered for the customer at the AM; signs initiations. */
  readonly customerKey: SigningKey;
  /** The customer's currency; defaults to the AM operator's (from its published document). */
  readonly customerCurrency?: string;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
  readonly clock?: () => Date;
  readonly timeoutMs?: number;
  readonly retriesMax?: number;
  readonly retryDelayMs?: number;
  /** Told when the currency table is missing or expired and a fresh one is fetched (also in each quote's `warnings`). */
  readonly onCurrencyTableWarning?: (warning: CurrencyTableWarning) => void;
}

export interface Wallet {
  /**
   * Opens a trading session with a merchant: logs on at the AM (once per
   * wallet), then opens the first transaction with `depositMinor` held.
   *
   * @example
   * const session = await wallet.openSession(
   *   { merchantId: 'shop-1', merchantOperatorId: 'op-b', offerId: 'articles', currency: 'EUR' },
   *   { depositMinor: 10_000n, timeoutSeconds: 600, onTerminate: (t) => shop.terminate(t.terminate) },
   * );
   */
  openSession(offer: Offer, options: OpenSessionOptions): Promise<TradingSession>;
  /**
   * The AM's view of a transaction: `status` (`open`, `cleared`) and, once cleared, the clearing figures.
   *
   * @example
   * const view = await wallet.getTransaction('op-a.17.3');
   * if (view.status === 'cleared') console.log(view);
   */
  getTransaction(transactionId: string): Promise<AmTransactionView>;
  /** The AM session (logon) id, logging on if needed. */
  sessionId(): Promise<string>;
  /**
   * A merchant's price in the customer's currency, from the AM's signed
   * currency table (fetched and verified when missing or expired), rounded
   * up so the shown price is never less than what is charged at that rate.
   * A session opened next pins the same table (`session.quote`).
   *
   * @example
   * const shown = await wallet.quote({ currency: 'EUR', priceMinor: 120n });
   * render(`${shown.priceCustomerMinor} ${shown.customerCurrency}`, { stale: shown.expired });
   */
  quote(offer: PricedOffer): Promise<PriceQuote>;
}

/**
 * A customer's wallet: runs in browsers and Node (WebCrypto and `fetch` only).
 *
 * @example
 * import { createWallet } from '@tallystick/wallet';
 * const wallet = createWallet({
 *   amBaseUrl: 'https://am.bank.example',
 *   amOperatorId: 'op-a',
 *   customerId: 'cus-abcdefghijklmnop',
 *   apiKey: customerApiKey, // tsk_…
 *   customerKey, // SigningKey registered at the AM
 * });
 * const session = await wallet.openSession(offer, { depositMinor: 10_000n, timeoutSeconds: 600 });
 * const { voucher } = await session.pay({ sku: 'a-7', description: 'Article 7', priceMinor: 120n });
 */
export function createWallet(config: WalletConfig): Wallet {
  checkConfig(config);
  const nowMs = () => (config.clock ? config.clock().getTime() : Date.now());
  const http = createHttpClient({
    baseUrl: config.amBaseUrl,
    apiKey: config.apiKey,
    fetch: config.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: config.timeoutMs ?? REQUEST_TIMEOUT_MS,
    retriesMax: config.retriesMax ?? RETRIES_MAX,
    retryDelayMs: config.retryDelayMs ?? RETRY_DELAY_MS,
    responseBytesMax: RESPONSE_BYTES_MAX,
  });
  const am = createAmApi(http, config.amOperatorId);
  const amKeys = createOperatorKeys({
    http,
    operatorId: config.amOperatorId,
    refreshIntervalMs: OPERATOR_KEYS_REFRESH_INTERVAL_MS,
    keysMax: OPERATOR_KEYS_MAX,
    nowMs,
  });
  const customerCurrency = async () => config.customerCurrency ?? (await amKeys.document()).currency;
  const currencyTables = createCurrencyTables({
    http,
    amKeys,
    amOperatorId: config.amOperatorId,
    customerCurrency,
    nowMs,
    ...(config.onCurrencyTableWarning ? { onWarning: config.onCurrencyTableWarning } : {}),
  });
  const ctx: WalletContext = {
    customerId: config.customerId,
    customerKey: config.customerKey,
    amOperatorId: config.amOperatorId,
    customerCurrency,
    sessionId: memoiseLogOn(am),
    am,
    amKeys,
    currencyTables,
    pending: createPendingInitiations({
      entriesMax: PENDING_INITIATIONS_MAX,
      reuseMsMax: INITIATION_REUSE_MS_MAX,
    }),
    nowMs,
    limits: {
      expiryMarginMs: EXPIRY_MARGIN_MS,
      purchaseCountExpectedDefault: PURCHASE_COUNT_EXPECTED_DEFAULT,
    },
  };
  return {
    async openSession(offer, options) {
      checkOffer(offer);
      checkOptions(options);
      return new TradingSession(ctx, { ...offer }, { ...options }).start();
    },
    getTransaction: (transactionId) => am.getTransaction(transactionId),
    sessionId: ctx.sessionId,
    async quote(offer) {
      checkPricedOffer(offer);
      const { table, warnings } = await currencyTables.current();
      return quoteWith(table, offer, nowMs(), warnings);
    },
  };
}

/** One logon per wallet, shared by concurrent callers; a failed logon is tried again next time. */
function memoiseLogOn(am: AmApi): () => Promise<string> {
  let session: Promise<string> | undefined;
  return () => {
    session ??= am.logOn().catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  };
}

function checkConfig(config: WalletConfig): void {
  const bad = (detail: string) => new TallyConfigError('config_invalid', detail);
  if (typeof config?.amBaseUrl !== 'string' || !URL.canParse(config.amBaseUrl))
    throw bad('amBaseUrl must be a URL');
  if (!isOperatorId(config.amOperatorId)) throw bad('amOperatorId');
  if (typeof config.customerId !== 'string' || config.customerId.length === 0) throw bad('customerId');
  if (typeof config.apiKey !== 'string' || config.apiKey.length === 0) throw bad('apiKey');
  if (!config.customerKey?.privateKey || typeof config.customerKey.kid !== 'string') throw bad('customerKey');
  if (!config.fetch && typeof globalThis.fetch !== 'function') throw bad('no global fetch: pass one');
}
