import { linkResultOf } from '../federation/link.ts';
import type { Party } from '../parties/model.ts';
import { createAccountEnsurer } from './accounts.ts';
import { findClearing } from './clearing-store.ts';
import { deliverCommitted, deliverDue } from './delivery.ts';
import type { MtaContext, MtaDeps } from './deps.ts';
import { MTA_ERROR_MESSAGES, MTA_ERROR_STATUS, type MtaError } from './errors.ts';
import type { MtaInbound } from './inbound.ts';
import type { MtaTransactionView, RecordStatus } from './model.ts';
import { type RecordSubmission, submitRecord } from './records.ts';
import { registerTransaction } from './registration.ts';
import { findRecords, findTransaction } from './repository.ts';
import { type CommittedClearing, clearDue } from './timer.ts';
import { createTransactionCache } from './transaction-cache.ts';

export interface MtaService {
  /** `POST /v1/mta/transactions`: amended initiation in, MTA ack out. */
  registerTransaction(amendedInitiation: string): Promise<{ readonly mtaAck: string } | MtaError>;
  submitCustomerRecord(
    transactionId: string,
    record: string,
  ): Promise<{ readonly status: RecordStatus } | MtaError>;
  submitMerchantRecord(
    merchant: Party,
    transactionId: string,
    record: string,
  ): Promise<{ readonly status: RecordStatus } | MtaError>;
  /** The merchant's view of its session; anyone else's looks like none. */
  getTransaction(merchant: Party, transactionId: string): Promise<MtaTransactionView | MtaError>;
  /** Worker: clears sessions whose timer ran out (at most `limit`) and delivers their clearings. */
  clearDue(limit: number): Promise<number>;
  /** Worker: retries undelivered clearings that are due (at most `limit`). */
  deliverDue(limit: number): Promise<number>;
  /** The MTA as this node's own AM calls it: in-process, same answers as over HTTP. */
  readonly inbound: MtaInbound;
}

export function createMtaService(deps: MtaDeps): MtaService {
  const ctx: MtaContext = {
    ...deps,
    ensureAccounts: createAccountEnsurer(deps.ledger),
    transactions: createTransactionCache(),
  };

  /** Submits, then (after the commit) hands a completed clearing to the AM right away. */
  const submit = async (input: RecordSubmission) => {
    const outcome = await submitRecord(ctx, input);
    if (typeof outcome === 'string') return outcome;
    if (outcome.cleared !== undefined) await deliverQuietly(ctx, outcome.cleared);
    return { status: outcome.status };
  };

  const service: MtaService = {
    registerTransaction: (jws) => registerTransaction(ctx, jws),
    submitCustomerRecord: (transactionId, jws) => submit({ side: 'customer', transactionId, jws }),
    submitMerchantRecord: (merchant, transactionId, jws) =>
      submit({ side: 'merchant', transactionId, jws, merchant }),
    async getTransaction(merchant, transactionId) {
      const db = ctx.db.kysely;
      const transaction = await findTransaction(db, transactionId);
      if (transaction?.merchantId !== merchant.id) return 'transaction_not_found';
      const [records, clearing] = await Promise.all([
        findRecords(db, transactionId),
        findClearing(db, transactionId),
      ]);
      return { transaction, records, clearing };
    },
    async clearDue(limit) {
      const cleared = await clearDue(ctx, limit);
      for (const clearing of cleared) await deliverQuietly(ctx, clearing);
      return cleared.length;
    },
    deliverDue: (limit) => deliverDue(ctx, limit),
    inbound: {
      registerTransaction: async (jws) =>
        linkResultOf<{ readonly mtaAck: string }, MtaError>(
          await service.registerTransaction(jws),
          MTA_ERROR_STATUS,
          MTA_ERROR_MESSAGES,
        ),
      submitCustomerRecord: async (transactionId, jws) =>
        linkResultOf<{ readonly status: RecordStatus }, MtaError>(
          await service.submitCustomerRecord(transactionId, jws),
          MTA_ERROR_STATUS,
          MTA_ERROR_MESSAGES,
        ),
    },
  };
  return service;
}

/** A failed first delivery is the outbox's business now; the record's answer does not depend on it. */
async function deliverQuietly(ctx: MtaContext, cleared: CommittedClearing): Promise<void> {
  const transactionId = cleared.body.transactionId;
  try {
    await deliverCommitted(ctx, cleared);
  } catch (error) {
    ctx.log?.warn({ err: error, transactionId }, 'first clearing delivery threw; the worker retries');
  }
}
