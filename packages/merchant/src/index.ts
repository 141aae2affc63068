/*
 * @tallystick/merchant — the merchant's side of a trading session (DESIGN §3),
 * for Node servers: information/ack, local voucher checks with
 * compare-and-swap, terminate, and the merchant record.
 */
export * from './errors.ts';
export type { WebHandler } from './http/information-handler.ts';
export type { MtaTransactionView } from './http/mta-api.ts';
export { OPERATOR_DOCUMENT_PATH } from './http/operator-keys.ts';
export * from './http402/index.ts';
export * from './limits.ts';
export { createMerchant, type Merchant, type MerchantConfig } from './merchant.ts';
export { type NodeListener, toNodeListener } from './platform/node-http.ts';
export type { CloseExpiringOptions, CloseExpiringResult } from './session/expiry.ts';
export type { ExpiryGuard, ExpiryGuardOptions } from './session/expiry-guard.ts';
export type { InformationRequest } from './session/information.ts';
export type {
  AcceptedVoucher,
  AcceptOutcome,
  MerchantSession,
  SessionStatus,
  SubmittedRecord,
  Termination,
  VoucherCursor,
} from './session/model.ts';
export type { ExpectedItem, PurchaseReceipt, PurchaseResult } from './session/purchase.ts';
export type { SubmitRecordResult } from './session/record.ts';
export type { TerminateResult } from './session/terminate.ts';
export { createMemoryMerchantStore } from './store/memory.ts';
export {
  createPostgresMerchantStore,
  type PgPoolLike,
  type PgQueryable,
  type PostgresMerchantStore,
  type PostgresMerchantStoreOptions,
} from './store/postgres.ts';
export type { MerchantStore } from './store/store.ts';
