import {
  createPaywall,
  fastifyPaywall,
  MERCHANT_ERROR_STATUS,
  type Merchant,
  MerchantError,
  type MerchantErrorCode,
  type Paywall,
  type PaywallRequest,
} from '@tallystick/merchant';
import Fastify from 'fastify';

export interface PaidApi {
  readonly url: string;
  readonly paywall: Paywall;
  close(): Promise<void>;
}

/** Where a paying client delivers its signed terminate (free): the session stops and the merchant's record goes to the MTA. */
export const TERMINATE_PATH = '/tally/terminate';

/** Prices in minor units of the merchant's currency. */
export const PRICES = { weather: 3n, quote: 2n, translatePer20Chars: 1n } as const;

/**
 * A small API with three priced routes, paid per call through Tallystick
 * (x402 v2): a fixed price, a fixed price with a path parameter, and a price
 * computed from the request (per 20 characters to translate). Plus the free
 * `POST /tally/terminate` where a paying client ends its sessions.
 *
 * @example
 * const api = await startPaidApi(merchant, { currency: 'EUR' });
 * console.log(`${api.url}/weather`);
 */
export async function startPaidApi(
  merchant: Merchant,
  options: { readonly currency: string; readonly host?: string; readonly port?: number },
): Promise<PaidApi> {
  const { currency } = options;
  const paywall = createPaywall(merchant, {
    currency,
    unitPriceMinor: 1n,
    routes: {
      'GET /weather': {
        price: { amountMinor: PRICES.weather, currency },
        description: 'Weather now, Stockholm',
      },
      'GET /quote/:symbol': { price: { amountMinor: PRICES.quote, currency }, description: 'A stock quote' },
      'POST /translate': {
        price: (request: PaywallRequest) => ({ amountMinor: translatePrice(request), currency }),
        description: 'Translation, priced per 20 characters',
      },
    },
  });
  const app = Fastify();
  await app.register(fastifyPaywall(paywall));
  app.get('/weather', async () => ({ city: 'Stockholm', temperatureC: 4 + Math.round(Math.random() * 3) }));
  app.get('/quote/:symbol', async (request) => ({
    symbol: (request.params as { symbol: string }).symbol.toUpperCase(),
    price: (100 + Math.random() * 5).toFixed(2),
  }));
  app.post('/translate', async (request) => ({
    text: String((request.body as { text?: unknown } | undefined)?.text ?? '')
      .split('')
      .reverse()
      .join(''),
  }));
  app.post(TERMINATE_PATH, async (request, reply) => {
    const jws = (request.body as { terminate?: unknown } | undefined)?.terminate;
    if (typeof jws !== 'string') {
      return reply
        .code(400)
        .send({ error: { code: 'request_malformed', message: 'expected { terminate }' } });
    }
    try {
      const { transactionId, lastSeq } = await merchant.receiveTerminate(jws);
      const record = await merchant.submitRecord(transactionId);
      return { transactionId, lastSeq, recordStatus: record.status };
    } catch (error) {
      if (!(error instanceof MerchantError)) throw error;
      const status = MERCHANT_ERROR_STATUS[error.code as MerchantErrorCode] ?? 502;
      return reply.code(status).send({ error: { code: error.code, message: error.message } });
    }
  });
  const url = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { url, paywall, close: () => app.close() };
}

/** The price is announced before the body is read: the client states its length in `x-text-length`. */
function translatePrice(request: PaywallRequest): bigint {
  const length = Number(request.header('x-text-length') ?? '0');
  const chunks = Number.isSafeInteger(length) && length > 0 ? Math.ceil(length / 20) : 1;
  return BigInt(Math.min(chunks, 100)) * PRICES.translatePer20Chars;
}
