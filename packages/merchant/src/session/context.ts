import type { KeyResolver, SigningKey } from '@tallystick/protocol';
import type { MtaApi } from '../http/mta-api.ts';
import type { MerchantStore } from '../store/store.ts';
import type { SessionKeyCache } from './session-keys.ts';

/** What the merchant's operations share; built once in `createMerchant`. */
export interface MerchantContext {
  readonly merchantId: string;
  /** The merchant's operator: the MTA. */
  readonly operatorId: string;
  readonly merchantKey: SigningKey;
  readonly store: MerchantStore;
  readonly mta: MtaApi;
  readonly resolveMtaKey: KeyResolver;
  readonly sessionKeys: SessionKeyCache;
  readonly nowMs: () => number;
}

/**
 * The context behind each merchant made by `createMerchant`, for SDK modules
 * built on it (the HTTP 402 paywall) without widening the public interface.
 */
export const merchantContexts = new WeakMap<object, MerchantContext>();

/** The deepest hash-chain preimage accepted in a transaction (DESIGN §5): what the record clears it from. */
export type HashChainTop = (
  transactionId: string,
) => { readonly index: number; readonly preimageHex: string } | undefined;

/** Per merchant, where its paywalls keep their hash-chain meters (in memory). */
export const hashChainSources = new WeakMap<MerchantContext, HashChainTop[]>();

/**
 * Per merchant, what must hear of a terminate at once: the paywall's
 * in-memory hash-chain lanes stop accepting preimages the moment the session
 * is terminated in this process (else they would until their next status
 * refresh, and the record signed right after would miss those units).
 */
export const terminateListeners = new WeakMap<MerchantContext, ((transactionId: string) => void)[]>();

/** Tells this merchant's listeners that `transactionId` is terminated (idempotent on their side). */
export function notifyTerminated(ctx: MerchantContext, transactionId: string): void {
  for (const listener of terminateListeners.get(ctx) ?? []) listener(transactionId);
}
