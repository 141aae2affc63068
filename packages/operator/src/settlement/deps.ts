import type { SigningKey } from '@tallystick/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import type { OperatorDirectory } from '../federation/directory.ts';
import type { LedgerService } from '../ledger/model.ts';
import type { AccountEnsurer } from '../mta/accounts.ts';

export interface SettlementDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly operatorId: string;
  readonly key: SigningKey;
  readonly directory: OperatorDirectory;
  readonly clock: () => Date;
  readonly fetch?: typeof fetch;
  readonly log?: FastifyBaseLogger;
}

export interface SettlementContext extends SettlementDeps {
  readonly ensureAccounts: AccountEnsurer;
}
