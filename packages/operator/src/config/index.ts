export { ADMIN_TOKEN_FILE, type AdminToken, generateAdminToken, resolveAdminToken } from './admin-token.ts';
export { ConfigError } from './errors.ts';
export { type Environment, loadConfig } from './load.ts';
export * from './model.ts';
