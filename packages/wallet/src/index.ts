/*
 * @tallystick/wallet — the customer's side of a trading session (DESIGN §3).
 * Isomorphic: WebCrypto and fetch only, no Node built-ins.
 */
export type { AmTransactionView } from './am/api.ts';
export * from './currency/index.ts';
export * from './errors.ts';
export * from './fetch/index.ts';
export * from './limits.ts';
export { OPERATOR_DOCUMENT_PATH } from './operator/keys.ts';
export type {
  HashChainOptions,
  Offer,
  OpenSessionOptions,
  Payment,
  PurchaseItem,
  TerminateHook,
  TerminateNotice,
  TransactionInfo,
  TransactionStatus,
  TransactionSummary,
  UnitPayment,
} from './session/model.ts';
export { TradingSession } from './session/trading-session.ts';
export { createWallet, type Wallet, type WalletConfig } from './wallet.ts';
