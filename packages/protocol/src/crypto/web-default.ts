export { webCryptoProvider as platformCryptoProvider } from './webcrypto.ts';
