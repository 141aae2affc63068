import type { TallyOffer, TallyReceipt } from '@tallystick/protocol';
import type { TransactionSummary } from '../session/model.ts';
import type { TradingSession } from '../session/trading-session.ts';
import type { Wallet } from '../wallet.ts';
import { WRAP_FETCH_DEFAULTS, type WrapFetchOptions } from './options.ts';
import { createSessionPool } from './sessions.ts';
import {
  type ChosenTerms,
  chooseTerms,
  paymentRequiredOf,
  receiptOf,
  refusalOf,
  withPayment,
} from './terms.ts';

/** `fetch` that pays 402s through Tallystick. */
export interface PayingFetch {
  (input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** What the merchants' receipts say was paid, per merchant currency. */
  spent(): Readonly<Record<string, bigint>>;
  /** Ends every session: terminates, customer records to the AM. */
  close(): Promise<TransactionSummary[]>;
}

/** A hash-chain payment refused for one of these reasons used its units up: they are not sent again. */
export const UNITS_SPENT_REASONS: ReadonlySet<string> = new Set(['payword_replayed', 'payword_not_on_chain']);

/**
 * Wraps `fetch` so that a `402 Payment Required` with a Tallystick offer
 * (x402 v2) is paid and the request retried: opens (or reuses) a trading
 * session with the merchant's operator, pays with a hash-chain preimage or a
 * signed voucher, and remembers the route's terms to pay up front next time.
 * Concurrent calls are safe: hash-chain payments fly in parallel, vouchers
 * of one session go one at a time (each extends the one before).
 *
 * @example
 * const paidFetch = wrapFetch(fetch, wallet, { maxDepositMinor: 10_000n, maxPriceMinor: 100n });
 * const weather = await (await paidFetch('https://api.example/weather')).json();
 * console.log(paidFetch.spent()); // { SEK: 50n }
 */
export function wrapFetch(
  fetch: typeof globalThis.fetch,
  wallet: Wallet,
  options: WrapFetchOptions,
): PayingFetch {
  const preference = options.schemes ?? WRAP_FETCH_DEFAULTS.schemes;
  const pool = createSessionPool(wallet, {
    depositMinor: options.maxDepositMinor,
    timeoutSeconds: options.timeoutSeconds ?? WRAP_FETCH_DEFAULTS.timeoutSeconds,
    hashChainLength: options.hashChainLength ?? WRAP_FETCH_DEFAULTS.hashChainLength,
    ...(options.onTerminate ? { onTerminate: options.onTerminate } : {}),
  });
  const known = new Map<string, ChosenTerms>();
  /** Routes whose price changed between calls: never paid up front (a wrong guess reveals a preimage). */
  const dynamic = new Set<string>();
  const spent: Record<string, bigint> = {};

  const affordable = (offer: TallyOffer) =>
    offer.amountMinor <= options.maxPriceMinor &&
    (options.maxTotalMinor === undefined ||
      (spent[offer.currency] ?? 0n) + offer.amountMinor <= options.maxTotalMinor) &&
    (options.allow?.(offer) ?? true);

  const remember = (receipt: TallyReceipt, currency: string) => {
    spent[currency] = (spent[currency] ?? 0n) + receipt.amountMinor;
    options.onReceipt?.(receipt);
  };

  async function payOnce(terms: ChosenTerms, request: Request): Promise<Response> {
    const session = await pool.get(terms.offer);
    return terms.offer.scheme === 'tally-payword'
      ? payUnits(session, terms, request)
      : pool.exclusive(session, () => payVoucher(session, terms, request));
  }

  async function payUnits(session: TradingSession, terms: ChosenTerms, request: Request): Promise<Response> {
    const payment = await session.payUnits(terms.offer.units ?? 1);
    const { transactionId, index, units, preimageHex: preimage } = payment;
    const response = await fetch(withPayment(request, terms, { transactionId, index, units, preimage }));
    const receipt = receiptOf(response);
    if (receipt) remember(receipt, terms.offer.currency);
    else if (response.status !== 402 || !UNITS_SPENT_REASONS.has(refusalOf(response) ?? ''))
      session.returnUnits(payment);
    return response;
  }

  async function payVoucher(
    session: TradingSession,
    terms: ChosenTerms,
    request: Request,
  ): Promise<Response> {
    const { offer } = terms;
    const payment = await session.pay({
      sku: offer.sku,
      description: offer.description ?? '',
      priceMinor: offer.amountMinor,
    });
    const response = await fetch(withPayment(request, terms, { voucher: payment.voucher }));
    const receipt = receiptOf(response);
    if (receipt) remember(receipt, terms.offer.currency);
    else await session.retract(payment); // refused or not served: the merchant stored nothing
    return response;
  }

  const paying = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const route = `${request.method} ${request.url.split('?')[0]}`;
    let terms = known.get(route);
    let last: Response | undefined;
    if (!terms) {
      last = await fetch(request.clone());
      if (last.status !== 402) return last;
      const required = paymentRequiredOf(last);
      terms = required && chooseTerms(required, preference, affordable);
      if (!terms) return last;
    }
    for (let attempt = 0; attempt < WRAP_FETCH_DEFAULTS.paidAttemptsMax; attempt++) {
      if (!affordable(terms.offer)) return last ?? fetch(request.clone());
      await last?.body?.cancel();
      const response = await payOnce(terms, request.clone());
      if (response.status !== 402) {
        if (known.size < WRAP_FETCH_DEFAULTS.knownRoutesMax && !dynamic.has(route)) known.set(route, terms);
        return response;
      }
      known.delete(route);
      if (
        refusalOf(response) === 'payment_requirements_mismatch' &&
        dynamic.size < WRAP_FETCH_DEFAULTS.knownRoutesMax
      ) {
        dynamic.add(route);
      }
      last = response;
      const required = paymentRequiredOf(response);
      terms = required && chooseTerms(required, preference, affordable);
      if (!terms) return response;
    }
    return last as Response;
  };

  return Object.assign(paying, {
    spent: () => ({ ...spent }),
    close: async () => (await Promise.all((await pool.all()).map((s) => s.close()))).flat(),
  });
}
