export * from './errors.ts';
export * from './purchase-list.ts';
