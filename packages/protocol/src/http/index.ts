export * from './body.ts';
