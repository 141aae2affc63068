export * from './default.ts';
export * from './provider.ts';
export * from './webcrypto.ts';
