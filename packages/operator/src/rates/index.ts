export * from './model.ts';
export * from './table.ts';
