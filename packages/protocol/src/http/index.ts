export * from './body.ts';
export * from './json-client.ts';
export * from './timeout.ts';
