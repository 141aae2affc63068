export type { AmDeps } from './deps.ts';
export { AM_ERROR_MESSAGES, AM_ERROR_STATUS, type AmError } from './errors.ts';
export { AM_CLEARING_PATH, type AmInbound } from './inbound.ts';
export * from './model.ts';
export { createMtaLink, type MtaLink } from './mta-link.ts';
export { registerAmRoutes } from './routes.ts';
export { type AmService, createAmService } from './service.ts';
