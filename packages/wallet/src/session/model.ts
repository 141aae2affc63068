/** What a merchant offers: who to pay, through which operator, in which currency (DESIGN §3 step 0). */
export interface Offer {
  readonly merchantId: string;
  /** The merchant's operator (the MTA): the audience of the customer record. */
  readonly merchantOperatorId: string;
  /** The merchant's own reference for the offer; opaque to operators. */
  readonly offerId: string;
  /** The merchant's currency: prices, vouchers and the merchant-side deposit are in it. */
  readonly currency: string;
}

/** Something the wallet tells the merchant: the app delivers it (HTTP call, 402 flow, …). */
export interface TerminateNotice {
  readonly transactionId: string;
  readonly merchantId: string;
  /** `tally.terminate` signed by the session key (iss: pseudonym, aud: merchant id). */
  readonly terminate: string;
  readonly lastSeq: number;
}

/** Delivers a terminate to the merchant. A failure is reported in the summary, never blocks the record. */
export type TerminateHook = (notice: TerminateNotice) => void | Promise<void>;

export interface OpenSessionOptions {
  /** Deposit to hold per transaction, in the customer's currency (minor units). */
  readonly depositMinor: bigint;
  /** The timer agreed at initiation; clearing runs when it expires. */
  readonly timeoutSeconds: number;
  /** Order size announced to the AM. */
  readonly purchaseCountExpected?: number;
  /** Called with each signed terminate (on `close()` and when a deposit rolls over). */
  readonly onTerminate?: TerminateHook;
  /**
   * Commit each transaction to a fresh PayWord hash chain (DESIGN §5) for
   * unit-priced payments with `payUnits`: the unit price (merchant's currency)
   * and how many units the chain holds (1..HASH_CHAIN_LENGTH_MAX).
   */
  readonly hashChain?: HashChainOptions;
}

export interface HashChainOptions {
  readonly unitPriceMinor: bigint;
  readonly lengthMax: number;
}

/** One hash-chain payment: hand `index`, `units` and `preimageHex` to the merchant. */
export interface UnitPayment {
  readonly transactionId: string;
  /** The chain position revealed: this payment pays units index-units+1 … index. */
  readonly index: number;
  readonly units: number;
  /** `w_index`, 64 hex digits. */
  readonly preimageHex: string;
  readonly amountMinor: bigint;
  readonly unitPriceMinor: bigint;
  /** The merchant's currency. */
  readonly currency: string;
  readonly rolledOver: boolean;
}

export interface PurchaseItem {
  readonly sku: string;
  readonly description: string;
  /** In the merchant's currency. */
  readonly priceMinor: bigint;
}

/** One paid item: hand `voucher` to the merchant. */
export interface Payment {
  /** Compact JWS, `tally.voucher`, signed by the transaction's session key. */
  readonly voucher: string;
  /** The transaction this payment went to (a new one after a deposit rolled over). */
  readonly transactionId: string;
  readonly seq: number;
  readonly amountMinor: bigint;
  readonly cumulativeMinor: bigint;
  /** The merchant's currency. */
  readonly currency: string;
  /** True when this payment opened a new transaction because the previous deposit was used up or expired. */
  readonly rolledOver: boolean;
}

export type TransactionStatus = 'open' | 'closing' | 'closed';

/** A transaction of the session as the wallet sees it. */
export interface TransactionInfo {
  readonly transactionId: string;
  readonly pseudonym: string;
  readonly status: TransactionStatus;
  readonly merchantId: string;
  readonly currency: string;
  readonly depositMerchantMinor: bigint;
  readonly customerCurrency: string;
  readonly depositCustomerMinor: bigint;
  readonly expiresAtMs: number;
  readonly purchaseCount: number;
  readonly lastSeq: number;
  readonly cumulativeMinor: bigint;
  readonly purchaseListHash: string;
  /** The highest hash-chain index handed out, when the transaction committed to a chain. */
  readonly hashChainIndex?: number;
}

/** A closed transaction: what was signed, and what the AM answered. */
export interface TransactionSummary extends TransactionInfo {
  readonly lastVoucher?: string;
  /** Signed terminate (customer_stop) for the merchant. */
  readonly terminate: string;
  readonly terminateDelivered: boolean;
  /** Why the terminate hook failed, when it did; deliver `terminate` again yourself. */
  readonly terminateError?: unknown;
  /** Signed customer record, as sent to the AM. */
  readonly customerRecord: string;
  /** The AM's answer to the record (`status`). */
  readonly recordStatus: string;
}
