export * from './model.ts';
export * from './routes.ts';
export * from './service.ts';
