import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/support/database.ts';
import type { Database } from '../db/database.ts';
import type { AccountInput, ResolutionInput, Transfer, TransferInput, TransferResult } from './model.ts';
import { createLedgerService, type LedgerServiceWithGroups } from './service.ts';
import { ledgerViolations } from './testing/invariants.ts';
import {
  ACCOUNT_IDS,
  accountArb,
  batchArb,
  type Item,
  type ResolutionTemplate,
  TRANSFER_IDS,
} from './testing/model-arbitraries.ts';
import { ReferenceLedger, type RefResult, type RefTransfer } from './testing/reference-ledger.ts';

/**
 * Model-based test: random sequences of account creation, transfers, holds,
 * posts, voids, linked chains, clock jumps with a sweep, and resubmissions of
 * earlier requests run against the real service and against ReferenceLedger;
 * results and balances must agree after every step, and the database
 * invariants (zero sums, limits, single resolution, journal replay) after
 * every run. Replay a failure with FC_SEED=<seed printed below>.
 */

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FC_RUNS ?? 60);
const COMMANDS_MAX = 40;
const START_MS = Date.parse('2030-01-01T00:00:00.000Z');

interface Model {
  readonly ref: ReferenceLedger;
  readonly history: TransferInput[][];
}
interface Real {
  readonly ledger: LedgerServiceWithGroups;
  /** The first transfer the service returned per id: every replay must return it again. */
  readonly firstSeen: Map<string, Transfer>;
}

/** How often each outcome came up: shows whether the generators reach the interesting cases. */
const STATS = new Map<string, number>();
afterAll(() =>
  console.log('outcomes:', JSON.stringify(Object.fromEntries([...STATS].sort((a, b) => b[1] - a[1])))),
);

let db: Database;
let nowMs = START_MS;
let ledger: LedgerServiceWithGroups;
beforeAll(async () => {
  db = await openTestDatabase();
  ledger = createLedgerService({ db, clock: () => new Date(nowMs) });
});
afterAll(() => db.close());

class CreateAccount implements fc.AsyncCommand<Model, Real> {
  constructor(readonly input: AccountInput) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const expected = m.ref.createAccount(this.input);
    const [result] = (await r.ledger.createAccounts([this.input])) as readonly {
      ok: boolean;
      replayed?: boolean;
      error?: string;
    }[];
    expect(result?.ok ? (result.replayed ? 'replayed' : 'ok') : result?.error).toBe(expected);
    await expectBalances(m, r);
  }
  toString = () => `CreateAccount(${JSON.stringify(this.input)})`;
}

class CreateTransfers implements fc.AsyncCommand<Model, Real> {
  #sent: TransferInput[] = [];
  constructor(readonly items: Item[]) {}
  check = () => true;
  run = (m: Model, r: Real) => {
    this.#sent = this.items.map((item) => ('template' in item ? instantiate(m, item) : item));
    return submit(m, r, this.#sent);
  };
  toString = () => `CreateTransfers(${show(this.#sent)})`;
}

function instantiate(m: Model, item: ResolutionTemplate): TransferInput {
  const holds = [...m.ref.state.transfers.values()].filter((t) => t.kind === 'pending');
  const open = holds.filter((t) => t.status === 'pending');
  const from = item.open && open.length > 0 ? open : holds;
  const pendingId =
    from[item.pick % Math.max(1, from.length)]?.id ??
    (TRANSFER_IDS[item.pick % TRANSFER_IDS.length] as string);
  return { ...item.input, pendingId } as ResolutionInput;
}

/** Sends an earlier request again, byte for byte: the client retry TigerBeetle's ids exist for. */
class Resubmit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.history.length > 0;
  run = (m: Model, r: Real) => submit(m, r, m.history[this.pick % m.history.length] as TransferInput[]);
  toString = () => `Resubmit(#${this.pick})`;
}

class AdvanceAndSweep implements fc.AsyncCommand<Model, Real> {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    nowMs += this.seconds * 1000;
    m.ref.nowMs = nowMs;
    const expected = m.ref.sweep();
    expect(await r.ledger.expirePendingTransfers(new Date(nowMs), 1000)).toBe(expected);
    await expectBalances(m, r);
  }
  toString = () => `AdvanceAndSweep(${this.seconds}s)`;
}

async function submit(m: Model, r: Real, inputs: TransferInput[]) {
  m.history.push(inputs);
  const expected = m.ref.createTransfers(inputs);
  const results = await r.ledger.createTransfers(inputs);
  if (typeof results === 'string') throw new Error(`call error ${results}`);
  expect(results.map(code)).toEqual(expected.map((e) => e.code));
  for (const c of results.map(code)) STATS.set(c, (STATS.get(c) ?? 0) + 1);
  for (const [i, result] of results.entries()) expectSameTransfer(r, result, expected[i] as RefResult);
  await expectBalances(m, r);
}

function expectSameTransfer(r: Real, result: TransferResult, expected: RefResult) {
  if (!result.ok || !('transfer' in expected)) return;
  const t = result.transfer;
  expect(view(t)).toEqual(refView(expected.transfer));
  const first = r.firstSeen.get(t.id);
  if (result.replayed) expect({ ...t, pendingStatus: null }).toEqual({ ...first, pendingStatus: null });
  else {
    expect(first).toBeUndefined();
    r.firstSeen.set(t.id, t);
  }
}

async function expectBalances(m: Model, r: Real) {
  const real = await r.ledger.lookupAccounts(ACCOUNT_IDS);
  const modelled = ACCOUNT_IDS.flatMap((id) => {
    const a = m.ref.state.accounts.get(id);
    return a ? [{ id, dp: a.dp, dpo: a.dpo, cp: a.cp, cpo: a.cpo }] : [];
  });
  expect(
    real.map((a) => ({
      id: a.id,
      dp: a.debitsPendingMinor,
      dpo: a.debitsPostedMinor,
      cp: a.creditsPendingMinor,
      cpo: a.creditsPostedMinor,
    })),
  ).toEqual(modelled);
}

const code = (r: TransferResult) => (r.ok ? (r.replayed ? 'replayed' : 'ok') : r.error);
const view = (t: Transfer) => ({
  id: t.id,
  kind: t.kind,
  debit: t.debitAccountId,
  credit: t.creditAccountId,
  amount: t.amountMinor,
  currency: t.currency,
  pendingId: t.pendingId,
  timeout: t.timeoutSeconds,
  expiresAtMs: t.expiresAt?.getTime() ?? null,
  status: t.pendingStatus,
  linked: t.linked,
  code: t.code,
  userData: t.userData,
  createdAtMs: t.createdAt.getTime(),
});
const refView = (t: RefTransfer) => ({ ...t });
const show = (inputs: TransferInput[]) =>
  JSON.stringify(inputs, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)).replaceAll('"', '');

const commandsArb = fc.commands(
  [
    accountArb.map((input) => new CreateAccount(input)),
    batchArb.map((items) => new CreateTransfers(items)),
    batchArb.map((items) => new CreateTransfers(items)),
    batchArb.map((items) => new CreateTransfers(items)),
    batchArb.map((items) => new CreateTransfers(items)),
    fc.nat().map((pick) => new Resubmit(pick)),
    fc.integer({ min: 1, max: 40 }).map((seconds) => new AdvanceAndSweep(seconds)),
  ],
  { maxCommands: COMMANDS_MAX, size: 'max' },
);

it('agrees with the reference model, and the invariants hold', async () => {
  console.log(`model-based ledger test: FC_SEED=${SEED} FC_RUNS=${RUNS}`);
  const setup: AccountInput[] = [
    { id: 'A0', currency: 'EUR', kind: 'customer', flags: 0 },
    { id: 'A1', currency: 'EUR', kind: 'customer', flags: 1 },
    { id: 'A2', currency: 'EUR', kind: 'customer', flags: 2 },
    { id: 'A3', currency: 'EUR', kind: 'customer', flags: 0 },
  ];
  await fc.assert(
    fc.asyncProperty(commandsArb, async (commands) => {
      // Cascade: other domains (parties, ...) reference the ledger; their tables are empty here.
      await sql`truncate ledger_transfers, ledger_accounts cascade`.execute(db.kysely);
      nowMs = START_MS;
      const model: Model = { ref: new ReferenceLedger(), history: [] };
      model.ref.nowMs = nowMs;
      for (const input of setup) model.ref.createAccount(input);
      await ledger.createAccounts(setup);
      await fc.asyncModelRun(() => ({ model, real: { ledger, firstSeen: new Map() } }), commands);
      expect(await ledgerViolations(db.kysely)).toEqual([]);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
