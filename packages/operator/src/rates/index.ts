export * from './errors.ts';
export * from './file.ts';
export * from './model.ts';
export * from './provider.ts';
export * from './table.ts';
export * from './wiring.ts';
export * from './worker.ts';
