import { formatSessionId } from '@tallystick/protocol';
import { linkResultOf } from '../federation/link.ts';
import { createAccountEnsurer } from '../mta/accounts.ts';
import type { Party } from '../parties/model.ts';
import { applyClearing } from './clearing.ts';
import { findWithClearing } from './clearing-store.ts';
import type { AmContext, AmDeps } from './deps.ts';
import { AM_ERROR_MESSAGES, AM_ERROR_STATUS, type AmError } from './errors.ts';
import type { AmInbound, ClearingReceipt } from './inbound.ts';
import { type InitiationAnswer, initiate } from './initiation.ts';
import type { AmClearing, AmSession, AmTransaction } from './model.ts';
import { relayCustomerRecord } from './records.ts';
import { createSession } from './repository.ts';

export interface AmTransactionDetails {
  readonly transaction: AmTransaction;
  readonly clearing: AmClearing | undefined;
}

export interface AmService {
  /** The seed's log-on: a new session `<amId>.<seq1>` for the customer. */
  openSession(customer: Party): Promise<AmSession>;
  initiate(customer: Party, sessionId: string, initiation: string): Promise<InitiationAnswer | AmError>;
  getTransaction(customer: Party, transactionId: string): Promise<AmTransactionDetails | AmError>;
  relayCustomerRecord(
    customer: Party,
    transactionId: string,
    record: string,
  ): Promise<{ readonly status: 'recorded' | 'cleared' } | AmError>;
  applyClearing(clearing: string): Promise<ClearingReceipt | AmError>;
  /** The AM as this node's own MTA calls it: in-process, same answers as over HTTP. */
  readonly inbound: AmInbound;
}

export function createAmService(deps: AmDeps): AmService {
  const ctx: AmContext = { ...deps, ensureAccounts: createAccountEnsurer(deps.ledger) };
  const db = ctx.db.kysely;
  const service: AmService = {
    async openSession(customer) {
      return createSession(db, customer.id, ctx.clock(), (seq) => formatSessionId(ctx.operatorId, seq));
    },
    initiate: (customer, sessionId, jws) => initiate(ctx, customer, sessionId, jws),
    async getTransaction(customer, transactionId) {
      const found = await findWithClearing(db, transactionId);
      if (found?.transaction.customerId !== customer.id) return 'transaction_not_found';
      return found;
    },
    relayCustomerRecord: (customer, transactionId, jws) =>
      relayCustomerRecord(ctx, customer, transactionId, jws),
    applyClearing: (jws) => applyClearing(ctx, jws),
    inbound: {
      applyClearing: async (jws) =>
        linkResultOf<ClearingReceipt, AmError>(
          await service.applyClearing(jws),
          AM_ERROR_STATUS,
          AM_ERROR_MESSAGES,
        ),
    },
  };
  return service;
}
