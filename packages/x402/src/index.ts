/*
 * @tallystick/x402 — Tallystick for the x402 ecosystem: scheme plug-ins for
 * `@x402/core` so that stock clients (`@x402/fetch`, `@x402/axios`) pay
 * through a Tallystick wallet, and stock servers (`@x402/express`,
 * `@x402/hono`, `@x402/next`) get paid through the merchant SDK with a
 * facilitator that runs locally.
 */
export { registerTallyClient, type TallyClientOptions, tallyClientSchemes } from './client.ts';
export { createTallyFacilitator, type TallyFacilitator } from './facilitator.ts';
export { parseTallyPrice } from './price.ts';
export { createTallyServer, type TallyRoutePrice, type TallyServer } from './resource-server.ts';
export { DEFAULT_SKU, tallyServerScheme } from './server.ts';
