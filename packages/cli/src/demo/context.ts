import {
  type CurrencyTableWarning,
  createWallet,
  type Payment,
  type TerminateNotice,
  type TradingSession,
  type Wallet,
} from '@tallystick/wallet';
import { catalogItem, SHOP_OFFER_ID } from '../network/catalog.ts';
import { CUSTOMER_OPERATOR, MERCHANT_OPERATOR } from '../network/model.ts';
import type { LocalNetwork } from '../network/network.ts';
import type { PartyCredentials } from '../network/parties.ts';
import type { CurrencyTableReport } from './currency-table.ts';
import { formatMoney, parseRate } from './money.ts';
import { describeOpened, describeRollOver, type Narrator } from './print.ts';
import type { PurchaseReport, RateReport } from './report.ts';
import { createShopClient, type ShopAnswer, type ShopClient } from './shop-client.ts';

/** How long the demo waits for a clearing to reach the customer's operator. */
const CLEARED_WAIT_MS = 15_000;
const CLEARED_POLL_MS = 50;

/**
 * What a scenario does, as the parties would: the customer through the
 * wallet SDK and the shop's HTTP API, the shop through the merchant SDK, and
 * time through the network clock. Every action is narrated.
 */
export class DemoContext {
  readonly wallet: Wallet;
  readonly shop: ShopClient;
  /** Per transaction, what the customer signed for, in order. */
  readonly purchases = new Map<string, PurchaseReport[]>();
  readonly sessions: TradingSession[] = [];
  /** Terminates the shop did not take (the wallet carries on regardless; tests expect none). */
  readonly terminateFailures: { readonly transactionId: string; readonly error: unknown }[] = [];
  /** Every currency-table warning the wallet raised, in order. */
  readonly tableWarnings: CurrencyTableWarning[] = [];
  /** Set by the expired-table scenario. */
  currencyTable: CurrencyTableReport | undefined;

  constructor(
    readonly network: LocalNetwork,
    readonly customer: PartyCredentials,
    readonly say: Narrator,
  ) {
    this.shop = createShopClient(network.shop.url);
    this.wallet = createWallet({
      amBaseUrl: network.customerOperator.url,
      amOperatorId: CUSTOMER_OPERATOR.id,
      customerId: customer.id,
      apiKey: customer.apiKey,
      customerKey: customer.key,
      customerCurrency: CUSTOMER_OPERATOR.currency,
      clock: network.clock.now,
      onCurrencyTableWarning: (warning) => this.tableWarnings.push(warning),
    });
  }

  /**
   * Opens a session with the shop. The wallet's terminates go to the shop's
   * terminate endpoint (which then hands in the shop's record), unless
   * `terminateToShop` is false: then the shop never hears that the customer stopped.
   */
  async open(
    depositMinor: bigint,
    timeoutSeconds: number,
    { terminateToShop = true }: { readonly terminateToShop?: boolean } = {},
  ): Promise<TradingSession> {
    this.say.step(
      `Open a trading session with a deposit of ${formatMoney(depositMinor, CUSTOMER_OPERATOR.currency)}`,
    );
    const session = await this.wallet.openSession(
      {
        merchantId: this.network.merchantCredentials.id,
        merchantOperatorId: MERCHANT_OPERATOR.id,
        offerId: SHOP_OFFER_ID,
        currency: MERCHANT_OPERATOR.currency,
      },
      {
        depositMinor,
        timeoutSeconds,
        ...(terminateToShop ? { onTerminate: (n: TerminateNotice) => this.shop.terminate(n.terminate) } : {}),
      },
    );
    this.sessions.push(session);
    const [tx] = session.transactions();
    if (!tx) throw new Error('assertion: an opened session has a transaction');
    const view = (await this.wallet.getTransaction(tx.transactionId)) as { rate?: RateReport | null };
    describeOpened(this.say, tx, view.rate ? parseRate(view.rate) : undefined, this.network.clock.now());
    return session;
  }

  /** Pays for an article and hands the voucher to the shop; a refused voucher is taken back. */
  async buy(session: TradingSession, sku: string): Promise<ShopAnswer> {
    const payment = await this.#pay(session, sku, true);
    const answer = await this.shop.buy(payment.transactionId, sku, payment.voucher);
    if (answer.ok) {
      this.say.detail(
        `#${payment.seq} "${answer.item.title}" ${formatMoney(payment.amountMinor, payment.currency)}: delivered` +
          ` (paid ${formatMoney(payment.cumulativeMinor, payment.currency)} so far, ` +
          `${formatMoney(BigInt(answer.receipt.remainingMinor), payment.currency)} of the deposit left)`,
      );
      return answer;
    }
    await session.retract(payment);
    this.purchases.get(payment.transactionId)?.pop();
    this.say.detail(`#${payment.seq} refused by the shop: ${answer.code}; the wallet takes the payment back`);
    return answer;
  }

  /** The wallet signs for an article, but the request never reaches the shop. */
  async payLost(session: TradingSession, sku: string): Promise<Payment> {
    const payment = await this.#pay(session, sku, false);
    this.say.detail(
      `#${payment.seq} ${formatMoney(payment.amountMinor, payment.currency)}: the wallet signed the voucher, ` +
        'but the request was lost on the way: the shop never saw it',
    );
    return payment;
  }

  /** Customer stop: terminate to the shop (which then hands in its record), the customer's record to op-a. */
  async close(session: TradingSession): Promise<void> {
    this.say.step('The customer stops the session');
    const open = new Set(
      session.transactions().flatMap((t) => (t.status === 'closed' ? [] : [t.transactionId])),
    );
    for (const summary of await session.close()) {
      if (!summary.terminateDelivered && summary.terminateError !== undefined) {
        this.terminateFailures.push({ transactionId: summary.transactionId, error: summary.terminateError });
      }
      if (!open.has(summary.transactionId)) continue;
      this.say.detail(
        `${summary.transactionId}: terminate to the shop${summary.terminateDelivered ? '' : ' (not delivered)'}, ` +
          `the customer's record (${summary.purchaseCount} purchases, ` +
          `${formatMoney(summary.cumulativeMinor, summary.currency)}) to op-a, which relays it to op-b`,
      );
    }
  }

  /** Merchant stop: the shop takes no more vouchers and hands its record to its operator. */
  async merchantStop(transactionId: string): Promise<void> {
    const merchant = this.network.merchant;
    await merchant.terminate(transactionId);
    const record = await merchant.submitRecord(transactionId);
    this.say.detail(
      `the shop stops ${transactionId} and hands its record to op-b ` +
        `(${record.purchaseCount} purchases, ${formatMoney(record.totalMinor, MERCHANT_OPERATOR.currency)}): ${record.status}`,
    );
  }

  /** Instead of waiting out the timer: the network clock moves past it and op-b's timer sweep runs now. */
  async expire(timeoutSeconds: number): Promise<void> {
    const skipSeconds = timeoutSeconds + 1;
    this.say.step(`Nobody says anything more for ${skipSeconds} s: the session timer runs out`);
    this.network.clock.advance(skipSeconds * 1000);
    await this.network.sweep();
    this.say.detail(
      `(the demo moves the network's clock ${skipSeconds} s forward and runs op-b's timer sweep now, instead of waiting)`,
    );
  }

  /** Every transaction of every session, once op-a has received its clearing. */
  async waitCleared(): Promise<string[]> {
    const ids = this.sessions.flatMap((s) => s.transactions().map((t) => t.transactionId));
    const deadline = Date.now() + CLEARED_WAIT_MS;
    for (const id of ids) {
      while ((await this.wallet.getTransaction(id)).status !== 'cleared') {
        if (Date.now() > deadline) throw new Error(`${id} was not cleared within ${CLEARED_WAIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, CLEARED_POLL_MS));
      }
    }
    return ids;
  }

  async #pay(session: TradingSession, sku: string, delivered: boolean): Promise<Payment> {
    const item = catalogItem(sku);
    if (!item) throw new Error(`assertion: ${sku} is not in the catalogue`);
    const payment = await session.pay({ sku, description: item.title, priceMinor: item.priceMinor });
    const [previous, current] = session.transactions().slice(-2);
    if (payment.rolledOver && previous && current) describeRollOver(this.say, previous, current);
    const list = this.purchases.get(payment.transactionId) ?? [];
    this.purchases.set(payment.transactionId, list);
    list.push({ seq: payment.seq, sku, priceMinor: String(item.priceMinor), delivered });
    return payment;
  }
}
