import { PURCHASE_PATH, TERMINATE_PATH } from '../network/shop.ts';

/** Most time one call to the shop may take. */
const SHOP_CALL_TIMEOUT_MS = 10_000;

export type ShopAnswer =
  | {
      readonly ok: true;
      readonly item: { readonly sku: string; readonly title: string; readonly content: string };
      readonly receipt: {
        readonly seq: number;
        readonly cumulativeMinor: string;
        readonly remainingMinor: string;
      };
    }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

/** The customer's side of the shop's own HTTP API (application-defined, DESIGN §3: purchases go straight to the merchant). */
export interface ShopClient {
  buy(transactionId: string, sku: string, voucher: string): Promise<ShopAnswer>;
  /** Hands the wallet's signed terminate to the shop; throws unless the shop took it. */
  terminate(terminate: string): Promise<void>;
}

export function createShopClient(shopUrl: string): ShopClient {
  const post = async (path: string, body: object) => {
    const response = await fetch(`${shopUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SHOP_CALL_TIMEOUT_MS),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    async buy(transactionId, sku, voucher) {
      const { status, body } = await post(PURCHASE_PATH, { transactionId, sku, voucher });
      if (status === 200)
        return { ok: true, ...(body as Pick<ShopAnswer & { ok: true }, 'item' | 'receipt'>) };
      const error = (body.error ?? {}) as { code?: string; message?: string };
      return { ok: false, status, code: error.code ?? 'unknown', message: error.message ?? '' };
    },
    async terminate(terminate) {
      const { status, body } = await post(TERMINATE_PATH, { terminate });
      if (status !== 200)
        throw new Error(`the shop refused the terminate: ${status} ${JSON.stringify(body)}`);
    },
  };
}
