import {
  AccountFlags,
  type AccountInput,
  type LedgerService,
  type TransferInput,
} from '../src/ledger/model.ts';

/** Ids of the accounts a workload moves money between. */
export interface AccountSet {
  readonly name: string;
  readonly ids: readonly string[];
}

export const SPREAD: AccountSet = {
  name: '1,000 accounts',
  ids: Array.from({ length: 1000 }, (_, i) => `spread-${i}`),
};
export const HOT: AccountSet = {
  name: '10 hot accounts',
  ids: Array.from({ length: 10 }, (_, i) => `hot-${i}`),
};
const FUNDING = 'bench-funding';
/** Enough for every limited account to never run dry during the bench. */
const FUNDING_PER_ACCOUNT_MINOR = 10n ** 15n;

/** Half the accounts are limited (never overdrawn), as customer accounts are; all are funded. */
export async function createBenchAccounts(ledger: LedgerService): Promise<void> {
  const all = [...SPREAD.ids, ...HOT.ids];
  const inputs: AccountInput[] = all.map((id, i) => ({
    id,
    currency: 'EUR',
    kind: 'customer',
    flags: i % 2 ? AccountFlags.debitsMustNotExceedCredits : 0,
  }));
  await ledger.createAccounts([
    { id: FUNDING, currency: 'EUR', kind: 'operator_funding', flags: 0 },
    ...inputs,
  ]);
  const funding: TransferInput[] = all.map((id) => ({
    id: `fund-${id}`,
    kind: 'single',
    debitAccountId: FUNDING,
    creditAccountId: id,
    amountMinor: FUNDING_PER_ACCOUNT_MINOR,
    currency: 'EUR',
  }));
  const results = await ledger.createTransfers(funding);
  if (typeof results === 'string' || results.some((r) => !r.ok)) throw new Error('bench funding failed');
}

let counter = 0;

/** A transfer between two different random accounts of the set, with a fresh id. */
export function randomTransfer(accounts: AccountSet, prefix: string): TransferInput {
  const { ids } = accounts;
  const d = Math.floor(Math.random() * ids.length);
  const c = (d + 1 + Math.floor(Math.random() * (ids.length - 1))) % ids.length;
  return {
    id: `${prefix}-${counter++}`,
    kind: 'single',
    debitAccountId: ids[d] as string,
    creditAccountId: ids[c] as string,
    amountMinor: BigInt(1 + Math.floor(Math.random() * 1000)),
    currency: 'EUR',
  };
}

export interface Measurement {
  readonly transfers: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly callLatencyMsP50: number;
  readonly callLatencyMsP99: number;
}

/** `clients` loops each sending one transfer per call until `durationMs` has passed. */
export async function measureSingles(
  send: (inputs: readonly TransferInput[]) => Promise<unknown>,
  accounts: AccountSet,
  clients: number,
  durationMs: number,
): Promise<Measurement> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const callStarted = performance.now();
        await expectAllOk(send([randomTransfer(accounts, 'single')]));
        latenciesMs.push(performance.now() - callStarted);
      }
    }),
  );
  return measurement(latenciesMs.length, performance.now() - started, latenciesMs);
}

/** Sends pre-built batches one after another (building them is not timed). */
export async function measureBatches(
  send: (inputs: readonly TransferInput[]) => Promise<unknown>,
  accounts: AccountSet,
  batchSize: number,
  batches: number,
): Promise<Measurement> {
  const prepared = Array.from({ length: batches }, () =>
    Array.from({ length: batchSize }, () => randomTransfer(accounts, 'batch')),
  );
  const latenciesMs: number[] = [];
  const started = performance.now();
  for (const batch of prepared) {
    const callStarted = performance.now();
    await expectAllOk(send(batch));
    latenciesMs.push(performance.now() - callStarted);
  }
  return measurement(batchSize * batches, performance.now() - started, latenciesMs);
}

async function expectAllOk(results: Promise<unknown>): Promise<void> {
  const value = (await results) as readonly { ok: boolean; error?: string }[] | string;
  if (typeof value === 'string') throw new Error(`bench call refused: ${value}`);
  const failed = value.find((r) => !r.ok);
  if (failed) throw new Error(`bench transfer failed: ${failed.error}`);
}

function measurement(transfers: number, elapsedMs: number, latenciesMs: number[]): Measurement {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    transfers,
    seconds: elapsedMs / 1000,
    perSecond: transfers / (elapsedMs / 1000),
    callLatencyMsP50: at(0.5),
    callLatencyMsP99: at(0.99),
  };
}
