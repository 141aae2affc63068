export * from './base45.ts';
export * from './cose-sign1.ts';
export * from './cwt.ts';
