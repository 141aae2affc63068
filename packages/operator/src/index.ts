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
