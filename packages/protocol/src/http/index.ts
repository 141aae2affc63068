export * from './body.ts';
export * from './timeout.ts';
