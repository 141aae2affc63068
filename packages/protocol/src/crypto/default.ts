/*
 * The provider used when a caller passes none: node:crypto under the `node`
 * export condition, WebCrypto everywhere else (package.json `imports`), so
 * browsers never load node:crypto and Node servers never pay for WebCrypto's
 * promise round trips.
 */
export { platformCryptoProvider as defaultCryptoProvider } from '#platform/crypto';
