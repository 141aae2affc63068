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
