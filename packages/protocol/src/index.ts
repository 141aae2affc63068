export * from './jws/index.ts';
export * from './money/index.ts';
