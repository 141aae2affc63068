export * from './client.ts';
export * from './directory.ts';
export * from './operator-key.ts';
