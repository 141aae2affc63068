import type { ReplayGuard, SigningKey } from '@tallystick/protocol';
import type { BillingService } from '../billing/service.ts';
import type { Database } from '../db/database.ts';
import type { OperatorDirectory } from '../federation/directory.ts';
import type { AcquiringFee } from '../fees/model.ts';
import type { LedgerService } from '../ledger/model.ts';
import type { PartiesService } from '../parties/service.ts';
import type { RateSource } from '../rates/model.ts';
import type { AmLink } from './am-link.ts';

/** Pino-compatible: what the MTA logs with. */
export interface MtaLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** Everything the MTA role needs, passed explicitly (STYLE: no globals). */
export interface MtaDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: Pick<PartiesService, 'findParty' | 'findKeyOf'>;
  readonly billing: BillingService;
  readonly rates: RateSource;
  /** Kept of each merchant credit (fees/model.ts); none when absent. */
  readonly acquiringFee?: AcquiringFee;
  readonly directory: Pick<OperatorDirectory, 'resolveOperatorKey'>;
  /** This operator: the MTA's id and its signing key (kid `<operatorId>:<thumbprint>`). */
  readonly operatorId: string;
  readonly key: SigningKey;
  readonly replayGuard: ReplayGuard;
  /** Where clearings go: the customer's AM, in-process or over HTTP. */
  readonly am: AmLink;
  readonly clock: () => Date;
  /** Calls to merchants' endpoints; the global fetch when absent. */
  readonly fetch?: typeof fetch;
  readonly log?: MtaLogger;
}

/** The deps plus what the service builds once from them. */
export interface MtaContext extends MtaDeps {
  readonly ensureAccounts: import('./accounts.ts').AccountEnsurer;
  readonly transactions: import('./transaction-cache.ts').TransactionCache;
}
