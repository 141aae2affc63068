import { assert } from './assert.ts';
import type { LedgerCallError } from './errors.ts';
import { LEDGER_BATCH_MAX, type TransferInput, type TransferResult } from './model.ts';
import type { LedgerServiceWithGroups } from './service.ts';

/**
 * Group commit (TigerBeetle's batching, done for callers that send one
 * transfer at a time): concurrent calls queue while a batch is in flight and
 * go to the database together as the next batch, so a hot account is locked,
 * read and written once per batch instead of once per call. Each call is its
 * own group: its chain cannot reach into another caller's inputs, and it gets
 * exactly its own results.
 */
export interface TransferBatcherOptions {
  /** Most inputs in one database batch (a single larger call still goes alone). */
  readonly batchSizeMax: number;
  /** How long an idle batcher holds the first call for company; 0 sends it at once. */
  readonly lingerMs: number;
  /** Batches in flight at once; default 1 (calls arriving meanwhile form the next batch). */
  readonly flushesInFlightMax?: number;
  /** Most inputs waiting; beyond it a call is refused with LedgerOverloadedError. Default 16 batches. */
  readonly queuedInputsMax?: number;
}

export interface TransferBatcher {
  createTransfers(inputs: readonly TransferInput[]): Promise<readonly TransferResult[] | LedgerCallError>;
  /** Resolves once nothing is queued or in flight. */
  drain(): Promise<void>;
}

/** The queue is full: shed load (HTTP 503) rather than grow memory without bound. */
export class LedgerOverloadedError extends Error {
  readonly code = 'ledger_overloaded';
}

interface Waiting {
  readonly inputs: readonly TransferInput[];
  readonly resolve: (results: readonly TransferResult[] | LedgerCallError) => void;
  readonly reject: (error: unknown) => void;
}

export function createTransferBatcher(
  ledger: Pick<LedgerServiceWithGroups, 'createTransferGroups'>,
  options: TransferBatcherOptions,
): TransferBatcher {
  const { batchSizeMax, lingerMs, flushesInFlightMax = 1 } = options;
  const queuedInputsMax = options.queuedInputsMax ?? 16 * batchSizeMax;
  assert(
    Number.isSafeInteger(batchSizeMax) && batchSizeMax >= 1 && batchSizeMax <= LEDGER_BATCH_MAX,
    'batchSizeMax',
  );
  assert(Number.isFinite(lingerMs) && lingerMs >= 0, 'lingerMs');
  assert(Number.isSafeInteger(flushesInFlightMax) && flushesInFlightMax >= 1, 'flushesInFlightMax');
  const queue: Waiting[] = [];
  let queuedInputs = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let idle: Array<() => void> = [];

  const schedule = (): void => {
    while (queue.length > 0 && inFlight < flushesInFlightMax) {
      const full = queuedInputs >= batchSizeMax;
      if (!full && lingerMs > 0 && inFlight === 0 && timer === undefined) {
        timer = setTimeout(() => {
          timer = undefined;
          while (queue.length > 0 && inFlight < flushesInFlightMax) flush();
        }, lingerMs);
        return;
      }
      if (!full && timer !== undefined) return;
      flush();
    }
    if (queue.length === 0 && inFlight === 0) {
      for (const wake of idle) wake();
      idle = [];
    }
  };

  const flush = (): void => {
    const batch = takeBatch(queue, batchSizeMax);
    queuedInputs -= batch.reduce((sum, w) => sum + w.inputs.length, 0);
    inFlight++;
    void commit(ledger, batch).finally(() => {
      inFlight--;
      schedule();
    });
  };

  return {
    createTransfers(inputs) {
      if (inputs.length === 0) return Promise.resolve('batch_empty');
      if (inputs.length > LEDGER_BATCH_MAX) return Promise.resolve('batch_too_large');
      if (queuedInputs + inputs.length > queuedInputsMax) {
        return Promise.reject(new LedgerOverloadedError('ledger batcher queue is full'));
      }
      return new Promise((resolve, reject) => {
        queue.push({ inputs, resolve, reject });
        queuedInputs += inputs.length;
        schedule();
      });
    },
    drain() {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}

/** Whole calls in arrival order, up to `batchSizeMax` inputs (at least one call). */
function takeBatch(queue: Waiting[], batchSizeMax: number): Waiting[] {
  let size = 0;
  let count = 0;
  for (const waiting of queue) {
    if (count > 0 && size + waiting.inputs.length > batchSizeMax) break;
    size += waiting.inputs.length;
    count++;
  }
  return queue.splice(0, count);
}

/**
 * One transaction for the whole batch. If it fails (nothing was applied),
 * each call is retried alone so one caller's bad input or bug cannot fail
 * the others.
 */
async function commit(ledger: Pick<LedgerServiceWithGroups, 'createTransferGroups'>, batch: Waiting[]) {
  try {
    const results = await ledger.createTransferGroups(batch.map((w) => w.inputs));
    assert(results.length === batch.length, 'one result group per call');
    for (const [i, waiting] of batch.entries()) {
      waiting.resolve(results[i] as readonly TransferResult[] | LedgerCallError);
    }
  } catch (error) {
    if (batch.length === 1) {
      batch[0]?.reject(error);
      return;
    }
    for (const waiting of batch) await commit(ledger, [waiting]);
  }
}
