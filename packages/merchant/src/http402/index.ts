/*
 * HTTP 402 paywall (DESIGN §7): x402 v2 challenges and receipts, local
 * verification of vouchers and hash-chain payments, charge after success.
 * A core on Web Request/Response plus Fastify, Express and Hono adapters.
 */
export { expressPaywall } from './adapters/express.ts';
export { fastifyPaywall } from './adapters/fastify.ts';
export { honoPaywall } from './adapters/hono.ts';
export type { PaidRoute, PaidRoutes, PaywallOptions, PaywallRequest, Price } from './config.ts';
export {
  PAYWALL_REFUSAL_MESSAGES,
  PAYWALL_REFUSALS,
  PaywallConfigError,
  type PaywallRefusal,
} from './errors.ts';
export * from './limits.ts';
export type { PaywallResponse, PaywallTerms, RouteTerms } from './offers.ts';
export {
  createPaywall,
  type Paywall,
  type PaywallGate,
  type PaywallSettlement,
} from './paywall.ts';
export { receiptHeader } from './receipt.ts';
export {
  createPaymentVerifier,
  type PaymentVerifier,
  type Reserved,
  routeTermsOfRequirements,
  type Settled,
  type VerifierOptions,
} from './verifier.ts';
export { paywallFetch, toResponse } from './web.ts';
