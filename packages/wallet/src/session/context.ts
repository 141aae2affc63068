import type { SigningKey } from '@tallystick/protocol';
import type { AmApi } from '../am/api.ts';
import type { CurrencyTables } from '../currency/tables.ts';
import type { OperatorKeys } from '../operator/keys.ts';
import type { PendingInitiations } from './pending.ts';

/** What a trading session needs from its wallet; built once in `createWallet`. */
export interface WalletContext {
  readonly customerId: string;
  readonly customerKey: SigningKey;
  readonly amOperatorId: string;
  /** The customer's currency: configured, or the AM operator's. */
  readonly customerCurrency: () => Promise<string>;
  /** The one AM session (logon) every transaction of this wallet goes into. */
  readonly sessionId: () => Promise<string>;
  readonly am: AmApi;
  readonly amKeys: OperatorKeys;
  /** The AM's signed currency table, cached (DESIGN §8). */
  readonly currencyTables: CurrencyTables;
  readonly pending: PendingInitiations;
  readonly nowMs: () => number;
  readonly limits: {
    readonly expiryMarginMs: number;
    readonly purchaseCountExpectedDefault: number;
  };
}
