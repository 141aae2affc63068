export * from './amount.ts';
export * from './convert.ts';
export * from './currency.ts';
export * from './rate.ts';
