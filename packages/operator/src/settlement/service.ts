import { createAccountEnsurer } from '../mta/accounts.ts';
import type { SettlementDeps } from './deps.ts';
import type { SettlementError } from './errors.ts';
import { type RunOptions, runSettlement } from './lifecycle.ts';
import {
  type ReconciliationLine,
  SETTLEMENT_PAIRS_MAX,
  type SettlementBatch,
  type SettlementItem,
} from './model.ts';
import { reconcile } from './reconciliation.ts';
import { receiveSettleNotice, receiveStatement } from './responder.ts';
import { batchItems, findBatch, interopPairs, listBatches } from './store.ts';

export interface SettlementService {
  /** Prepares (or resumes) the batch with `peerId` in `currency` and drives it to settled. */
  run(
    peerId: string,
    currency: string,
    options?: RunOptions,
  ): Promise<SettlementBatch | undefined | SettlementError>;
  /** `run` for every peer and currency this operator has positions with. */
  runAll(options?: RunOptions): Promise<(SettlementBatch | SettlementError)[]>;
  receiveStatement(jws: string): Promise<{ acknowledgement: string } | SettlementError>;
  receiveSettleNotice(
    batchId: string,
    jws: string,
  ): Promise<{ batchId: string; status: 'settled' } | SettlementError>;
  batch(id: string): Promise<{ batch: SettlementBatch; items: SettlementItem[] } | undefined>;
  list(limit: number): Promise<SettlementBatch[]>;
  reconciliation(): Promise<ReconciliationLine[]>;
}

export function createSettlementService(deps: SettlementDeps): SettlementService {
  const ctx = { ...deps, ensureAccounts: createAccountEnsurer(deps.ledger) };
  return {
    run: (peerId, currency, options) => runSettlement(ctx, peerId, currency, options),
    async runAll(options) {
      const pairs = (await interopPairs(ctx.db.kysely, ctx.operatorId)).slice(0, SETTLEMENT_PAIRS_MAX);
      const results: (SettlementBatch | SettlementError)[] = [];
      for (const { peer, currency } of pairs) {
        if (!ctx.directory.peer(peer)) continue;
        const result = await runSettlement(ctx, peer, currency, options);
        if (result !== undefined) results.push(result);
      }
      return results;
    },
    receiveStatement: (jws) => receiveStatement(ctx, jws),
    receiveSettleNotice: (batchId, jws) => receiveSettleNotice(ctx, batchId, jws),
    async batch(id) {
      const batch = await findBatch(ctx.db.kysely, id);
      return batch ? { batch, items: await batchItems(ctx.db.kysely, id) } : undefined;
    },
    list: (limit) => listBatches(ctx.db.kysely, limit),
    reconciliation: () => reconcile(ctx),
  };
}
