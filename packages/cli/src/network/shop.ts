import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MERCHANT_ERROR_STATUS,
  type Merchant,
  MerchantError,
  type MerchantErrorCode,
  toNodeListener,
} from '@tallystick/merchant';
import { CATALOG, catalogItem, SHOP_NAME, SHOP_OFFER_ID } from './catalog.ts';

/** Where the MTA sends information messages: the merchant's registered endpoint. */
export const INFORMATION_PATH = '/tally/information';
export const PURCHASE_PATH = '/purchase';
export const TERMINATE_PATH = '/terminate';

/** The demo shop's HTTP server: listening before its merchant exists (registration needs its URL). */
export interface ShopServer {
  readonly url: string;
  readonly endpointUrl: string;
  /** From now on the shop answers as this merchant. */
  attach(merchant: Merchant, identity: ShopIdentity): void;
  close(): Promise<void>;
}

export interface ShopIdentity {
  readonly merchantId: string;
  readonly operatorId: string;
  readonly currency: string;
}

/**
 * A small merchant application on the merchant SDK: the information endpoint,
 * a catalogue, a purchase endpoint that takes a voucher and returns the
 * article, and a terminate endpoint that stops the session and hands the
 * merchant's record to the MTA.
 */
export async function listenShop(host: string, port: number): Promise<ShopServer> {
  let shop: { merchant: Merchant; identity: ShopIdentity } | undefined;
  const handler = async (request: Request): Promise<Response> => {
    if (!shop) return answer(503, { error: { code: 'starting', message: 'the shop is starting' } });
    try {
      return await route(shop.merchant, shop.identity, request);
    } catch (error) {
      return errorAnswer(error);
    }
  };
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    endpointUrl: `${url}${INFORMATION_PATH}`,
    attach(merchant, identity) {
      shop = { merchant, identity };
    },
    close: () => closeServer(server),
  };
}

async function route(merchant: Merchant, identity: ShopIdentity, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === INFORMATION_PATH) return merchant.informationHandler()(request);
  if (request.method === 'GET' && path === '/') return answer(200, catalogView(identity));
  if (request.method !== 'POST') return answer(404, { error: { code: 'not_found', message: path } });
  const body = (await request.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (path === PURCHASE_PATH) return purchase(merchant, body);
  if (path === TERMINATE_PATH) return terminate(merchant, body);
  return answer(404, { error: { code: 'not_found', message: path } });
}

/** `{ transactionId, sku, voucher }` -> the article, when the voucher pays exactly for it. */
async function purchase(merchant: Merchant, body: Record<string, unknown> | undefined): Promise<Response> {
  const { transactionId, sku, voucher } = body ?? {};
  const item = typeof sku === 'string' ? catalogItem(sku) : undefined;
  if (typeof transactionId !== 'string' || typeof voucher !== 'string' || !item) {
    return errorAnswer(MerchantError.of('request_malformed', 'expected { transactionId, sku, voucher }'));
  }
  const result = await merchant.acceptPurchase(transactionId, voucher, item);
  if (!result.ok) return errorAnswer(MerchantError.of(result.code));
  const { receipt } = result;
  return answer(200, {
    item: { sku: item.sku, title: item.title, content: item.content },
    receipt: {
      transactionId: receipt.transactionId,
      seq: receipt.seq,
      amountMinor: String(receipt.amountMinor),
      cumulativeMinor: String(receipt.cumulativeMinor),
      remainingMinor: String(receipt.remainingMinor),
      currency: receipt.currency,
    },
  });
}

/** The customer's signed terminate: the session stops and the merchant's record goes to the MTA. */
async function terminate(merchant: Merchant, body: Record<string, unknown> | undefined): Promise<Response> {
  const jws = body?.terminate;
  if (typeof jws !== 'string') {
    return errorAnswer(MerchantError.of('request_malformed', 'expected { terminate }'));
  }
  const { transactionId, lastSeq } = await merchant.receiveTerminate(jws);
  const record = await merchant.submitRecord(transactionId);
  return answer(200, { transactionId, lastSeq, recordStatus: record.status });
}

function catalogView(identity: ShopIdentity) {
  return {
    name: SHOP_NAME,
    offer: {
      merchantId: identity.merchantId,
      merchantOperatorId: identity.operatorId,
      offerId: SHOP_OFFER_ID,
      currency: identity.currency,
    },
    items: CATALOG.map((item) => ({ sku: item.sku, title: item.title, priceMinor: String(item.priceMinor) })),
  };
}

function errorAnswer(error: unknown): Response {
  if (error instanceof MerchantError) {
    const status = MERCHANT_ERROR_STATUS[error.code as MerchantErrorCode] ?? 502;
    return answer(status, { error: { code: error.code, message: error.message } });
  }
  // A local demo: the reason helps more than it could leak.
  return answer(500, { error: { code: 'internal_error', message: (error as Error)?.message ?? 'failed' } });
}

function answer(status: number, body: object): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
