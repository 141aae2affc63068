import { PURCHASE_COUNT_MAX } from '@tallystick/protocol';
import type { CurrencyTable, PriceQuote } from '../currency/model.ts';
import { quoteWith } from '../currency/quote.ts';
import { TallyConfigError, TallySessionError } from '../errors.ts';
import type { WalletContext } from './context.ts';
import type {
  Offer,
  OpenSessionOptions,
  Payment,
  PurchaseItem,
  TransactionInfo,
  TransactionSummary,
  UnitPayment,
} from './model.ts';
import { openTransaction } from './open.ts';
import { createSerialQueue } from './serial.ts';
import type { WalletTransaction } from './transaction.ts';
import { checkItem } from './validate.ts';

/**
 * A trading session with one merchant (DESIGN §3): one or more transactions
 * (deposits) in the wallet's AM session, paid with cumulative vouchers.
 * Every method is safe to call concurrently: calls run one at a time in call
 * order, so vouchers carry seq 1, 2, 3… in the order `pay` was called.
 * Create it with `wallet.openSession`.
 */
export class TradingSession {
  readonly offer: Offer;
  readonly #ctx: WalletContext;
  readonly #options: OpenSessionOptions;
  readonly #queue = createSerialQueue();
  readonly #transactions: WalletTransaction[] = [];
  #current: WalletTransaction | undefined;
  #closed = false;
  /** One currency table for the whole session: the one valid at opening, else the first one quoted with. */
  #currencyTable: CurrencyTable | undefined;

  /** @internal use `wallet.openSession` */
  constructor(ctx: WalletContext, offer: Offer, options: OpenSessionOptions) {
    this.#ctx = ctx;
    this.offer = offer;
    this.#options = options;
    this.#currencyTable = ctx.currencyTables.cached();
  }

  /** The currency table this session's prices are shown with; pinned once set. */
  get currencyTableId(): string | undefined {
    return this.#currencyTable?.tableId;
  }

  /**
   * An item price (merchant's currency) in the customer's currency, always
   * with this session's pinned table: `expired: true` and a warning once
   * that table's validity has ended, but never a different table.
   *
   * @example
   * const shown = await session.quote(120n);
   */
  async quote(priceMinor: bigint): Promise<PriceQuote> {
    const item = { currency: this.offer.currency, priceMinor };
    if (this.#currencyTable) return quoteWith(this.#currencyTable, item, this.#ctx.nowMs(), []);
    const { table, warnings } = await this.#ctx.currencyTables.current();
    this.#currencyTable ??= table;
    return quoteWith(this.#currencyTable, item, this.#ctx.nowMs(), warnings);
  }

  /** @internal opens the first transaction. */
  async start(): Promise<this> {
    await this.#queue.run(() => this.#openNext());
    return this;
  }

  /**
   * Pays for one item: extends the purchase list and signs the cumulative
   * voucher. When the item does not fit in what is left of the deposit (or
   * the transaction is about to expire), the current transaction is closed
   * (terminate + customer record) and a new one opened in the same AM session.
   * Nothing is sent to the merchant: deliver `payment.voucher` yourself.
   *
   * @throws TallySessionError `item_exceeds_deposit` when the item is larger than a whole deposit,
   *   `item_invalid`, `session_closed`; TallyApiError / TallyConnectionError when a roll-over fails.
   * @example
   * const payment = await session.pay({ sku: 'article-7', description: 'Article 7', priceMinor: 120n });
   * await fetch('https://shop.example/articles/7', { headers: { 'x-tally-voucher': payment.voucher } });
   */
  pay(item: PurchaseItem): Promise<Payment> {
    return this.#queue.run(() => this.#pay(item));
  }

  /**
   * Stops the session: for every transaction not yet closed, signs the
   * terminate (given to `onTerminate` for the merchant) and the customer
   * record (session key, aud: the MTA), and sends the record to the AM.
   * Safe to call again after a failure: the same signed messages are re-sent.
   *
   * @returns one summary per transaction of the session, in order.
   * @example
   * const summaries = await session.close();
   * for (const s of summaries) console.log(s.transactionId, s.purchaseCount, s.cumulativeMinor);
   */
  close(): Promise<TransactionSummary[]> {
    return this.#queue.run(async () => {
      this.#closed = true;
      for (const tx of this.#transactions) if (tx.status !== 'closed') await this.#finish(tx);
      this.#current = undefined;
      return this.#transactions
        .map((tx) => tx.summary)
        .filter((s): s is TransactionSummary => s !== undefined);
    });
  }

  /**
   * Takes back the newest payment after the merchant refused its voucher
   * (`acceptPurchase` answered `ok: false`), so the purchase list and the
   * customer record do not claim an item that was not delivered, and the next
   * payment reuses the seq. Only the newest payment of the open transaction
   * qualifies; the voucher itself stays signed, so only retract one the
   * merchant refused.
   *
   * @throws TallySessionError `payment_not_retractable`
   * @example
   * const payment = await session.pay(item);
   * const answer = await shop.buy(item.sku, payment.voucher);
   * if (answer.status === 402) await session.retract(payment);
   */
  retract(payment: Pick<Payment, 'transactionId' | 'seq'>): Promise<void> {
    return this.#queue.run(async () => {
      const tx = this.#current;
      if (this.#closed || tx?.id !== payment.transactionId || !tx.retract(payment.seq)) {
        throw new TallySessionError('payment_not_retractable');
      }
    });
  }

  /**
   * Pays `units` hash-chain units (DESIGN §5): reveals the preimage `units`
   * steps further down the transaction's chain. No signature: many requests
   * can be paid at once and arrive in any order (within the merchant's
   * window). Rolls over to a new transaction (and chain) when the chain or
   * the deposit is used up. Needs `hashChain` in the session options.
   *
   * @throws TallySessionError `hash_chain_not_committed`, `item_exceeds_deposit`, `session_closed`
   * @example
   * const p = await session.payUnits(1);
   * await fetch(url, { headers: { 'payment-signature': encodeTallyPayword(p) } });
   */
  payUnits(units: number): Promise<UnitPayment> {
    return this.#queue.run(() => this.#payUnits(units));
  }

  /**
   * The merchant answered a unit payment without charging it (its handler
   * failed): the next payment of as many units re-sends the same preimage.
   */
  returnUnits(payment: UnitPayment): void {
    const tx = this.#current;
    if (tx?.id === payment.transactionId) tx.returnUnits(payment);
  }

  async #payUnits(units: number): Promise<UnitPayment> {
    if (this.#closed) throw new TallySessionError('session_closed');
    if (!Number.isInteger(units) || units < 1) throw new TallyConfigError('argument_invalid', 'units');
    const chain = this.#options.hashChain;
    if (!chain) throw new TallySessionError('hash_chain_not_committed');
    const { expiryMarginMs } = this.#ctx.limits;
    let rolledOver = !this.#current && this.#transactions.length > 0;
    const current = this.#current;
    if (current && !current.fitsUnits(units, this.#ctx.nowMs(), expiryMarginMs)) {
      await this.#finish(current);
      this.#current = undefined;
      rolledOver = true;
    }
    const tx = this.#current ?? (await this.#openNext());
    if (!tx.fitsUnits(units, this.#ctx.nowMs(), expiryMarginMs)) {
      throw new TallySessionError('item_exceeds_deposit', `${units} units do not fit a fresh transaction`);
    }
    return tx.payUnits(units, rolledOver);
  }

  /** Every transaction of the session, oldest first. */
  transactions(): TransactionInfo[] {
    return this.#transactions.map((tx) => tx.info());
  }

  /** The transaction the next payment goes to (until it rolls over), if one is open. */
  get currentTransactionId(): string | undefined {
    return this.#current?.id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The purchases of one transaction, each with the voucher that paid it: the customer's evidence. */
  purchases(transactionId: string) {
    return this.#transactions.find((tx) => tx.id === transactionId)?.purchases() ?? [];
  }

  async #pay(item: PurchaseItem): Promise<Payment> {
    if (this.#closed) throw new TallySessionError('session_closed');
    checkItem(item);
    const { expiryMarginMs } = this.#ctx.limits;
    let rolledOver = false;
    const current = this.#current;
    if (current && !current.fits(item.priceMinor, this.#ctx.nowMs(), expiryMarginMs, PURCHASE_COUNT_MAX)) {
      // Refuse before closing anything: a fresh deposit would not hold it either.
      this.#checkWithinDeposit(current, item);
      await this.#finish(current);
      this.#current = undefined;
      rolledOver = true;
    }
    if (!this.#current && this.#transactions.length > 0) rolledOver = true; // an earlier roll-over failed half-way
    const tx = this.#current ?? (await this.#openNext());
    if (!tx.fits(item.priceMinor, this.#ctx.nowMs(), expiryMarginMs, PURCHASE_COUNT_MAX)) {
      this.#checkWithinDeposit(tx, item);
      throw new Error('assertion: a fresh transaction cannot take a payment that fits its deposit');
    }
    return tx.pay(item, this.#ctx.nowMs(), rolledOver);
  }

  #checkWithinDeposit(tx: WalletTransaction, item: PurchaseItem): void {
    if (item.priceMinor > tx.ready.depositMerchantMinor) {
      throw new TallySessionError(
        'item_exceeds_deposit',
        `${item.priceMinor} > deposit ${tx.ready.depositMerchantMinor} ${tx.ready.merchantCurrency} minor units`,
      );
    }
  }

  async #openNext(): Promise<WalletTransaction> {
    const tx = await openTransaction(this.#ctx, this.offer, this.#options);
    this.#transactions.push(tx);
    this.#current = tx;
    return tx;
  }

  /** Terminate to the merchant (via the hook, once), then the customer record to the AM (re-sendable). */
  async #finish(tx: WalletTransaction): Promise<void> {
    const { terminate, record } = await tx.closingMessages(this.#ctx.nowMs());
    const hook = this.#options.onTerminate;
    if (hook && !tx.terminateDelivered) {
      try {
        await hook({
          transactionId: tx.id,
          merchantId: tx.ready.merchantId,
          terminate,
          lastSeq: tx.info().lastSeq,
        });
        tx.terminateDelivered = true;
        tx.terminateError = undefined;
      } catch (error) {
        tx.terminateError = error;
      }
    }
    const answer = await this.#ctx.am.sendCustomerRecord(tx.id, record);
    tx.markClosed(answer.status);
  }
}
