/*
 * PayWord hash chains (DESIGN §5): the wallet commits to a root and a unit
 * price in the signed initiation; paying k units reveals the preimage k steps
 * further down; the merchant checks with k hashes. Isomorphic and synchronous.
 */
export * from './chain.ts';
export * from './errors.ts';
export * from './hash.ts';
export * from './limits.ts';
export * from './meter.ts';
export * from './reveal.ts';
