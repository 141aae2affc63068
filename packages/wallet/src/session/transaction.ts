import {
  appendPurchase,
  createVoucher,
  type PaywordChain,
  type Purchase,
  type PurchaseListState,
  type SessionReadyBody,
  type SigningKey,
  signCustomerRecord,
  signTerminate,
} from '@tallystick/protocol';
import { TallySessionError } from '../errors.ts';
import type {
  Payment,
  PurchaseItem,
  TransactionInfo,
  TransactionStatus,
  TransactionSummary,
  UnitPayment,
} from './model.ts';

/** The transaction's hash chain and what of it was handed out. */
interface ChainState {
  readonly chain: PaywordChain;
  readonly unitPriceMinor: bigint;
  /** The highest index handed out. */
  index: number;
  /** Ranges handed out whose request failed uncharged: paid again (same preimage) before new units. */
  readonly returned: { readonly index: number; readonly units: number }[];
}

export interface ClosingMessages {
  readonly terminate: string;
  readonly record: string;
}

/**
 * One transaction (one deposit) of a trading session: its session key, its
 * purchase list and every voucher signed in it. Not safe for concurrent use
 * on its own: `TradingSession` serialises every call.
 */
export class WalletTransaction {
  readonly ready: SessionReadyBody;
  readonly #sessionKey: SigningKey;
  #list: PurchaseListState;
  /** The list before the newest purchase, so a refused voucher can be retracted. */
  #previousList: PurchaseListState | undefined;
  readonly #purchases: Purchase[] = [];
  readonly #vouchers: string[] = [];
  #status: TransactionStatus = 'open';
  #closing: ClosingMessages | undefined;
  #summary: TransactionSummary | undefined;
  readonly #chain: ChainState | undefined;
  terminateDelivered = false;
  terminateError: unknown;

  constructor(
    ready: SessionReadyBody,
    sessionKey: SigningKey,
    emptyList: PurchaseListState,
    chain?: { readonly chain: PaywordChain; readonly unitPriceMinor: bigint },
  ) {
    this.ready = ready;
    this.#sessionKey = sessionKey;
    this.#list = emptyList;
    this.#chain = chain && { ...chain, index: 0, returned: [] };
  }

  get unitPriceMinor(): bigint | undefined {
    return this.#chain?.unitPriceMinor;
  }

  /** Whether `units` more hash-chain units can be paid here now (within the chain and the deposit). */
  fitsUnits(units: number, nowMs: number, expiryMarginMs: number): boolean {
    const c = this.#chain;
    if (!c || this.#status !== 'open' || nowMs >= this.ready.expiresAtMs - expiryMarginMs) return false;
    if (c.returned.some((r) => r.units === units)) return true;
    const index = c.index + units;
    return (
      index <= c.chain.lengthMax &&
      this.#list.totalMinor + BigInt(index) * c.unitPriceMinor <= this.ready.depositMerchantMinor
    );
  }

  /** Reveals the next preimage `units` steps on (or re-sends one whose request was not charged). */
  payUnits(units: number, rolledOver: boolean): UnitPayment {
    const c = this.#chain;
    if (!c || this.#status !== 'open') throw new Error('assertion: paying units without an open chain');
    const reused = c.returned.findIndex((r) => r.units === units);
    let index: number;
    if (reused >= 0) {
      index = (c.returned.splice(reused, 1)[0] as { index: number }).index;
    } else {
      c.index += units;
      index = c.index;
    }
    return {
      transactionId: this.id,
      index,
      units,
      preimageHex: c.chain.preimageHex(index),
      amountMinor: BigInt(units) * c.unitPriceMinor,
      unitPriceMinor: c.unitPriceMinor,
      currency: this.ready.merchantCurrency,
      rolledOver,
    };
  }

  /**
   * The deepest index the record claims: the last one handed out, less the
   * ranges on top that came back uncharged (a preimage proves every unit
   * below it, so only the top can be left out).
   */
  #revealedIndex(): number {
    const c = this.#chain;
    if (!c) return 0;
    let index = c.index;
    for (;;) {
      const top = c.returned.find((r) => r.index === index);
      if (!top) return index;
      index -= top.units;
    }
  }

  #hashChainReveal() {
    const index = this.#revealedIndex();
    return this.#chain && index > 0
      ? { hashChain: { index, preimageHex: this.#chain.chain.preimageHex(index) } }
      : {};
  }

  /** The merchant did not charge this payment (its handler failed): its units go out again first. */
  returnUnits(payment: Pick<UnitPayment, 'index' | 'units'>): void {
    if (this.#chain && this.#status === 'open')
      this.#chain.returned.push({ index: payment.index, units: payment.units });
  }

  get id(): string {
    return this.ready.transactionId;
  }

  get status(): TransactionStatus {
    return this.#status;
  }

  /** Whether one more item of `priceMinor` can be paid here now. */
  fits(priceMinor: bigint, nowMs: number, expiryMarginMs: number, purchaseCountMax: number): boolean {
    return (
      this.#status === 'open' &&
      this.#list.totalMinor + priceMinor <= this.ready.depositMerchantMinor &&
      this.#list.count < purchaseCountMax &&
      nowMs < this.ready.expiresAtMs - expiryMarginMs
    );
  }

  /** Extends the purchase list and signs the cumulative voucher; state changes only once both succeeded. */
  async pay(item: PurchaseItem, nowMs: number, rolledOver: boolean): Promise<Payment> {
    if (this.#status !== 'open') throw new Error('assertion: paying in a transaction that is not open');
    const purchase: Purchase = { seq: this.#list.count + 1, ...pick(item), atMs: nowMs };
    const list = await appendPurchase(this.#list, purchase);
    if (typeof list === 'string') throw new TallySessionError('item_invalid', list);
    const voucher = await createVoucher(this.#sessionKey, {
      transactionId: this.id,
      pseudonym: this.ready.pseudonym,
      merchantId: this.ready.merchantId,
      seq: purchase.seq,
      cumulativeMinor: list.totalMinor,
      currency: this.ready.merchantCurrency,
      purchaseListHash: list.hashHex,
      item: {
        sku: purchase.sku,
        description: purchase.description,
        priceMinor: purchase.priceMinor,
        atMs: nowMs,
      },
      nowMs,
    });
    this.#previousList = this.#list;
    this.#list = list;
    this.#purchases.push(purchase);
    this.#vouchers.push(voucher);
    return {
      voucher,
      transactionId: this.id,
      seq: purchase.seq,
      amountMinor: purchase.priceMinor,
      cumulativeMinor: list.totalMinor,
      currency: this.ready.merchantCurrency,
      rolledOver,
    };
  }

  /** Forgets the newest payment (the merchant refused it): the next payment reuses its seq. */
  retract(seq: number): boolean {
    if (this.#status !== 'open' || !this.#previousList || seq !== this.#list.count) return false;
    this.#list = this.#previousList;
    this.#previousList = undefined;
    this.#purchases.pop();
    this.#vouchers.pop();
    return true;
  }

  /** Signs the terminate and the customer record once; later calls get the same JWSs (safe to re-send). */
  async closingMessages(nowMs: number): Promise<ClosingMessages> {
    if (this.#closing) return this.#closing;
    this.#status = 'closing';
    const { transactionId, pseudonym, merchantId, merchantOperatorId, merchantCurrency } = this.ready;
    const lastSeq = this.#list.count;
    const lastVoucher = this.#vouchers.at(-1);
    const terminate = await signTerminate(
      this.#sessionKey,
      { iss: pseudonym, aud: merchantId, nowMs },
      { transactionId, by: 'customer', reason: 'customer_stop', lastSeq },
    );
    const record = await signCustomerRecord(
      this.#sessionKey,
      { iss: pseudonym, aud: merchantOperatorId, nowMs },
      {
        transactionId,
        purchaseCount: this.#list.count,
        totalMinor: this.#list.totalMinor,
        currency: merchantCurrency,
        purchaseListHash: this.#list.hashHex,
        lastSeq,
        ...(lastVoucher !== undefined ? { lastVoucher } : {}),
        ...this.#hashChainReveal(),
      },
    );
    this.#closing = { terminate, record };
    return this.#closing;
  }

  markClosed(recordStatus: string): TransactionSummary {
    if (!this.#closing) throw new Error('assertion: closing a transaction that signed no record');
    this.#status = 'closed';
    const lastVoucher = this.#vouchers.at(-1);
    this.#summary = {
      ...this.info(),
      ...(lastVoucher !== undefined ? { lastVoucher } : {}),
      terminate: this.#closing.terminate,
      terminateDelivered: this.terminateDelivered,
      ...(this.terminateError !== undefined ? { terminateError: this.terminateError } : {}),
      customerRecord: this.#closing.record,
      recordStatus,
    };
    return this.#summary;
  }

  get summary(): TransactionSummary | undefined {
    return this.#summary;
  }

  info(): TransactionInfo {
    const r = this.ready;
    return {
      transactionId: r.transactionId,
      pseudonym: r.pseudonym,
      status: this.#status,
      merchantId: r.merchantId,
      currency: r.merchantCurrency,
      depositMerchantMinor: r.depositMerchantMinor,
      customerCurrency: r.customerCurrency,
      depositCustomerMinor: r.depositCustomerMinor,
      expiresAtMs: r.expiresAtMs,
      purchaseCount: this.#list.count,
      lastSeq: this.#list.count,
      cumulativeMinor: this.#list.totalMinor,
      purchaseListHash: this.#list.hashHex,
      ...(this.#chain ? { hashChainIndex: this.#revealedIndex() } : {}),
    };
  }

  /** The purchase list with the voucher that paid each purchase, in order. */
  purchases(): readonly { readonly purchase: Purchase; readonly voucher: string }[] {
    return this.#purchases.map((purchase, i) => ({ purchase, voucher: this.#vouchers[i] ?? '' }));
  }
}

/** Only the purchase fields: an item object with extra properties must not reach the hash or the voucher. */
function pick(item: PurchaseItem): PurchaseItem {
  return { sku: item.sku, description: item.description, priceMinor: item.priceMinor };
}
