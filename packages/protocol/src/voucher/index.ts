export * from './create.ts';
export * from './errors.ts';
export * from './verify.ts';
