export { type AmLink, createAmLink } from './am-link.ts';
export type { MtaDeps } from './deps.ts';
export { MTA_ERROR_MESSAGES, MTA_ERROR_STATUS, type MtaError } from './errors.ts';
export { MTA_TRANSACTIONS_PATH, type MtaInbound } from './inbound.ts';
export * from './model.ts';
export { registerMtaRoutes } from './routes.ts';
export { createMtaService, type MtaService } from './service.ts';
export { type MtaClearingWorker, startMtaClearingWorker } from './worker.ts';
