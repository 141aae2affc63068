/** Node-only helpers (`@tallystick/protocol/node`): never imported by the isomorphic index. */
export * from './node-crypto.ts';
export * from './node-fetch.ts';
