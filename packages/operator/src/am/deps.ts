import type { SigningKey } from '@tallystick/protocol';
import type { BillingService } from '../billing/service.ts';
import type { Database } from '../db/database.ts';
import type { OperatorDirectory } from '../federation/directory.ts';
import type { LedgerService } from '../ledger/model.ts';
import type { AccountEnsurer } from '../mta/accounts.ts';
import type { PartiesService } from '../parties/service.ts';
import type { MtaLink } from './mta-link.ts';

export interface AmLogger {
  warn(fields: object, message: string): void;
}

/** Everything the AM role needs, passed explicitly (STYLE: no globals). */
export interface AmDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: Pick<PartiesService, 'findKeyOf'>;
  readonly billing: BillingService;
  readonly directory: Pick<OperatorDirectory, 'resolveOperatorKey' | 'peer'>;
  readonly operatorId: string;
  readonly key: SigningKey;
  /** Where initiations and customer records go: the merchant's MTA, in-process or over HTTP. */
  readonly mta: MtaLink;
  readonly clock: () => Date;
  readonly log?: AmLogger;
}

export interface AmContext extends AmDeps {
  readonly ensureAccounts: AccountEnsurer;
}
