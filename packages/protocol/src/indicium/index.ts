export * from './codec.ts';
export * from './model.ts';
export * from './seal.ts';
export * from './text.ts';
export * from './trust-list.ts';
