import { isMerchantId, isOperatorId, type SigningKey } from '@tallystick/protocol';
import { MerchantError } from './errors.ts';
import { createHttpClient } from './http/client.ts';
import { createInformationHandler, type WebHandler } from './http/information-handler.ts';
import { createMtaApi, type MtaTransactionView } from './http/mta-api.ts';
import { createOperatorKeyResolver } from './http/operator-keys.ts';
import {
  OPERATOR_KEYS_MAX,
  OPERATOR_KEYS_REFRESH_INTERVAL_MS,
  REQUEST_TIMEOUT_MS,
  RESPONSE_BYTES_MAX,
  RETRIES_MAX,
  RETRY_DELAY_MS,
  SESSION_KEY_CACHE_ENTRIES_MAX,
} from './limits.ts';
import { type MerchantContext, merchantContexts } from './session/context.ts';
import { type CloseExpiringOptions, type CloseExpiringResult, closeExpiring } from './session/expiry.ts';
import { type ExpiryGuard, type ExpiryGuardOptions, startExpiryGuard } from './session/expiry-guard.ts';
import { handleInformation, type InformationRequest } from './session/information.ts';
import type { MerchantSession } from './session/model.ts';
import { acceptPurchase, type ExpectedItem, type PurchaseResult } from './session/purchase.ts';
import { type SubmitRecordResult, submitRecord } from './session/record.ts';
import { createSessionKeyCache } from './session/session-keys.ts';
import { receiveTerminate, type TerminateResult, terminateSession } from './session/terminate.ts';
import type { MerchantStore } from './store/store.ts';

export interface MerchantConfig {
  /** The merchant's id at its operator: the audience of information messages and vouchers. */
  readonly merchantId: string;
  /** The merchant's operator (the MTA). */
  readonly operatorId: string;
  readonly mtaBaseUrl: string;
  /** `tsk_…`, sent as a bearer token to the MTA. */
  readonly apiKey: string;
  /** The key registered for the merchant at its operator; signs acks, terminates and records. */
  readonly merchantKey: SigningKey;
  readonly store: MerchantStore;
  readonly fetch?: typeof fetch;
  readonly clock?: () => Date;
  readonly timeoutMs?: number;
  readonly retriesMax?: number;
  readonly retryDelayMs?: number;
}

export interface Merchant {
  /**
   * Handles the MTA's `POST <endpointUrl>` body: verifies the information
   * message, stores the trading session and returns the signed ack.
   * @example
   * app.post('/tally/information', async (req, res) => res.json(await merchant.handleInformation(req.body)));
   */
  handleInformation(body: InformationRequest): Promise<{ merchantAck: string }>;
  /**
   * `handleInformation` as a Web-standard handler (Hono, Bun, Deno, Next.js), or on
   * `node:http` through `toNodeListener`.
   * @example
   * createServer(toNodeListener(merchant.informationHandler())).listen(8080);
   */
  informationHandler(): WebHandler;
  /**
   * Checks a voucher locally and accepts it (compare-and-swap on seq): deliver the item on `ok`.
   * @example
   * const result = await merchant.acceptPurchase(transactionId, voucher, { sku: 'a-7', priceMinor: 120n });
   * if (!result.ok) return new Response(result.code, { status: 402 });
   */
  acceptPurchase(transactionId: string, voucherJws: string, item?: ExpectedItem): Promise<PurchaseResult>;
  /**
   * Merchant stop: no purchase is accepted afterwards.
   * @example
   * await merchant.terminate(transactionId);
   * await merchant.submitRecord(transactionId);
   */
  terminate(transactionId: string): Promise<TerminateResult>;
  /**
   * Customer stop: the wallet's signed terminate.
   * @example
   * const { transactionId } = await merchant.receiveTerminate(body.terminate);
   * await merchant.submitRecord(transactionId);
   */
  receiveTerminate(terminateJws: string): Promise<TerminateResult>;
  /**
   * Signs (once) and sends the merchant record to the MTA; safe to retry.
   * @example
   * const { status } = await merchant.submitRecord(transactionId);
   */
  submitRecord(transactionId: string): Promise<SubmitRecordResult>;
  /**
   * The MTA's view of the transaction, with the clearing figures once cleared.
   * @example
   * const view = await merchant.getTransaction(transactionId);
   */
  getTransaction(transactionId: string): Promise<MtaTransactionView>;
  /** The stored session, or undefined. */
  getSession(transactionId: string): Promise<MerchantSession | undefined>;
  /**
   * Closes sessions expiring within `withinMs` (default
   * `EXPIRY_GUARD_WITHIN_MS`) whose record the MTA has not accepted, soonest
   * first: merchant terminate (if still open), then the record, so the MTA
   * clears from the merchant's vouchers even if the customer vanished; a
   * record that did not get through is sent again on a later pass. A session
   * that fails is reported in `failed`, not thrown.
   * @example
   * const { closed, failed } = await merchant.closeExpiring({ withinMs: 60_000 });
   */
  closeExpiring(options?: CloseExpiringOptions): Promise<CloseExpiringResult>;
  /**
   * `closeExpiring` every `intervalMs` (default `EXPIRY_GUARD_INTERVAL_MS`),
   * one pass at a time, on an unref'd timer.
   * @example
   * const guard = merchant.startExpiryGuard({ onPass: ({ failed }) => failed.length && log.warn({ failed }) });
   * process.on('SIGTERM', () => guard.stop());
   */
  startExpiryGuard(options?: ExpiryGuardOptions): ExpiryGuard;
}

/**
 * The merchant's side of trading sessions (DESIGN §3): information and ack,
 * local voucher checks, terminate, and the merchant record.
 *
 * @example
 * import { createMerchant, createMemoryMerchantStore, toNodeListener } from '@tallystick/merchant';
 * const merchant = createMerchant({
 *   merchantId: 'shop-1',
 *   operatorId: 'op-b',
 *   mtaBaseUrl: 'https://op-b.example',
 *   apiKey: process.env.TALLY_API_KEY,
 *   merchantKey, // SigningKey registered at op-b
 *   store: createMemoryMerchantStore(),
 * });
 * createServer(toNodeListener(merchant.informationHandler())).listen(8080);
 */
export function createMerchant(config: MerchantConfig): Merchant {
  checkConfig(config);
  const nowMs = () => (config.clock ? config.clock().getTime() : Date.now());
  const http = createHttpClient({
    baseUrl: config.mtaBaseUrl,
    apiKey: config.apiKey,
    fetch: config.fetch ?? globalThis.fetch,
    timeoutMs: config.timeoutMs ?? REQUEST_TIMEOUT_MS,
    retriesMax: config.retriesMax ?? RETRIES_MAX,
    retryDelayMs: config.retryDelayMs ?? RETRY_DELAY_MS,
    responseBytesMax: RESPONSE_BYTES_MAX,
  });
  const ctx: MerchantContext = {
    merchantId: config.merchantId,
    operatorId: config.operatorId,
    merchantKey: config.merchantKey,
    store: config.store,
    mta: createMtaApi(http),
    resolveMtaKey: createOperatorKeyResolver({
      http,
      operatorId: config.operatorId,
      refreshIntervalMs: OPERATOR_KEYS_REFRESH_INTERVAL_MS,
      keysMax: OPERATOR_KEYS_MAX,
      nowMs,
    }),
    sessionKeys: createSessionKeyCache(SESSION_KEY_CACHE_ENTRIES_MAX),
    nowMs,
  };
  const information = (body: InformationRequest) => handleInformation(ctx, body);
  const merchant: Merchant = {
    handleInformation: information,
    informationHandler: () => createInformationHandler(information),
    acceptPurchase: (transactionId, voucherJws, item) => acceptPurchase(ctx, transactionId, voucherJws, item),
    terminate: (transactionId) => terminateSession(ctx, transactionId),
    receiveTerminate: (terminateJws) => receiveTerminate(ctx, terminateJws),
    submitRecord: (transactionId) => submitRecord(ctx, transactionId),
    getTransaction: (transactionId) => ctx.mta.getTransaction(transactionId),
    getSession: (transactionId) => ctx.store.getSession(transactionId),
    closeExpiring: (options) => closeExpiring(ctx, options),
    startExpiryGuard: (options) => startExpiryGuard((o) => closeExpiring(ctx, o), options),
  };
  merchantContexts.set(merchant, ctx);
  return merchant;
}

function checkConfig(config: MerchantConfig): void {
  const bad = (detail: string) => MerchantError.of('config_invalid', detail);
  if (!isMerchantId(config?.merchantId)) throw bad('merchantId');
  if (!isOperatorId(config.operatorId)) throw bad('operatorId');
  if (typeof config.mtaBaseUrl !== 'string' || !URL.canParse(config.mtaBaseUrl))
    throw bad('mtaBaseUrl must be a URL');
  if (typeof config.apiKey !== 'string' || config.apiKey.length === 0) throw bad('apiKey');
  if (!config.merchantKey?.privateKey) throw bad('merchantKey');
  if (!config.store) throw bad('store');
}
