export * from './export/index.ts';
export * from './model.ts';
export * from './service.ts';
