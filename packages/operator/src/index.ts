export * from './billing/export/index.ts';
export * from './config/index.ts';
export { DataDirLockedError } from './db/datadir-lock.ts';
export { type AcquiringFee, acquiringFeeMinor, parseAcquiringFee } from './fees/model.ts';
export { DOCS_PATH, OPENAPI_PATH } from './http/docs.ts';
export {
  buildOperator,
  type NodeOptions,
  type Operator,
  type OperatorNode,
  startOperatorNode,
} from './node.ts';
export { TRANSFER_MESSAGE_TYPE } from './parties/signed-transfer.ts';
export { type RatesFileBody, signRatesFile, verifyRatesFile } from './rates/file.ts';
export {
  AFFIRMATION_MESSAGE_TYPE,
  PURCHASE_REQUEST_MESSAGE_TYPE,
} from './requests/model.ts';
export type { RequestToPayOptions } from './requests/wiring.ts';
export { ACKNOWLEDGEMENT_TYPE, STATEMENT_TYPE } from './settlement/model.ts';
export { receiveWebhook, type WebhookEnvelope } from './webhooks/receiver.ts';
