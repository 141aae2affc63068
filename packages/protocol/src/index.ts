export * from './ids/index.ts';
export * from './jws/index.ts';
export * from './messages/index.ts';
export * from './money/index.ts';
export * from './session/index.ts';
export * from './voucher/index.ts';
