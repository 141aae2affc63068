export * from './algorithms.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './message.ts';
export * from './replay.ts';
