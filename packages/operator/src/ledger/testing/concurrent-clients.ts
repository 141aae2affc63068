import { expect } from 'vitest';
import type { Transfer, TransferInput, TransferResult } from '../model.ts';
import type { LedgerServiceWithGroups } from '../service.ts';

/**
 * The concurrency test's clients: each sends random transfers, holds,
 * resolutions of its own and of shared holds, shared ids and retries, and
 * books what succeeded into `Expected`.
 */

/** Expected balances, from successful results only. */
export class Expected {
  readonly balances: Map<string, { dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }>;
  readonly holdAmounts = new Map<string, bigint>();
  applied = 0;

  constructor(accountIds: readonly string[]) {
    this.balances = new Map(accountIds.map((id) => [id, { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n }]));
  }

  apply(t: Transfer): void {
    const debit = this.balances.get(t.debitAccountId);
    const credit = this.balances.get(t.creditAccountId);
    if (!debit || !credit) throw new Error(`unknown account in ${t.id}`);
    this.applied++;
    if (t.kind === 'single')
      [debit.dpo, credit.cpo] = [debit.dpo + t.amountMinor, credit.cpo + t.amountMinor];
    else if (t.kind === 'pending') {
      [debit.dp, credit.cp] = [debit.dp + t.amountMinor, credit.cp + t.amountMinor];
      this.holdAmounts.set(t.id, t.amountMinor);
    } else {
      const held = this.holdAmounts.get(t.pendingId ?? '');
      if (held === undefined) throw new Error(`resolution ${t.id} of an unknown hold`);
      const posted = t.kind === 'post' ? t.amountMinor : 0n;
      [debit.dp, credit.cp] = [debit.dp - held, credit.cp - held];
      [debit.dpo, credit.cpo] = [debit.dpo + posted, credit.cpo + posted];
    }
  }

  /** Holds that ended expired (by the sweeper or a late post/void) gave their amount back. */
  releaseExpired(holds: readonly Transfer[]): void {
    for (const hold of holds) {
      if (hold.pendingStatus !== 'expired') continue;
      const debit = this.balances.get(hold.debitAccountId);
      const credit = this.balances.get(hold.creditAccountId);
      if (!debit || !credit) throw new Error(`unknown account in ${hold.id}`);
      [debit.dp, credit.cp] = [debit.dp - hold.amountMinor, credit.cp - hold.amountMinor];
    }
  }
}

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Client {
  readonly name: string;
  readonly accountIds: readonly string[];
  readonly sharedHolds: number;
  readonly calls: number;
  readonly ledger: LedgerServiceWithGroups;
  readonly rnd: () => number;
  readonly openHolds: string[];
  readonly sent: TransferInput[];
  n: number;
}

function pair(ids: readonly string[], rnd: () => number): [string, string] {
  const d = Math.floor(rnd() * ids.length);
  const c = (d + 1 + Math.floor(rnd() * (ids.length - 1))) % ids.length;
  return [ids[d] as string, ids[c] as string];
}

/** One call's inputs: a transfer, a hold, a resolution of an own or shared hold, a shared id, or a retry. */
function nextInputs(c: Client): TransferInput[] {
  const roll = c.rnd();
  const id = `${c.name}-${c.n++}`;
  const [debitAccountId, creditAccountId] = pair(c.accountIds, c.rnd);
  const amountMinor = BigInt(1 + Math.floor(c.rnd() * 20));
  const move = { id, debitAccountId, creditAccountId, amountMinor, currency: 'EUR' } as const;
  if (roll < 0.35) return [{ ...move, kind: 'single' }];
  if (roll < 0.6) return [{ ...move, kind: 'pending', timeoutSeconds: c.rnd() < 0.1 ? 1 : 0 }];
  if (roll < 0.75 && c.openHolds.length > 0) {
    const pendingId = c.openHolds.splice(Math.floor(c.rnd() * c.openHolds.length), 1)[0] as string;
    if (c.rnd() < 0.3) return [{ id, kind: 'void', pendingId }];
    return [{ id, kind: 'post', pendingId, ...(c.rnd() < 0.5 ? { amountMinor: 1n } : {}) }];
  }
  if (roll < 0.85)
    return [
      {
        id,
        kind: c.rnd() < 0.5 ? 'post' : 'void',
        pendingId: `shared-hold-${Math.floor(c.rnd() * c.sharedHolds)}`,
      },
    ];
  if (roll < 0.9) {
    // The same id with the same fields from every client: exactly one may apply it.
    const k = Math.floor(c.rnd() * 50);
    return [
      {
        id: `shared-id-${k}`,
        kind: 'single',
        debitAccountId: 'funding',
        creditAccountId: 'fees',
        amountMinor: BigInt(k + 1),
        currency: 'EUR',
      },
    ];
  }
  if (roll < 0.95 && c.sent.length > 0) return [c.sent[Math.floor(c.rnd() * c.sent.length)] as TransferInput];
  // A small linked chain: a hold and a transfer that stand or fall together.
  return [
    { ...move, kind: 'pending', linked: true },
    {
      id: `${id}-b`,
      kind: 'single',
      debitAccountId: creditAccountId,
      creditAccountId: debitAccountId,
      amountMinor,
      currency: 'EUR',
    },
  ];
}

export async function runClient(c: Client, expected: Expected, sharedOk: Set<string>): Promise<number> {
  let transfers = 0;
  for (let call = 0; call < c.calls; call++) {
    const inputs = nextInputs(c);
    const results = (await c.ledger.createTransfers(inputs)) as readonly TransferResult[];
    expect(results).toHaveLength(inputs.length);
    for (const [i, result] of results.entries()) {
      const input = inputs[i] as TransferInput;
      transfers++;
      if (!result.ok) continue;
      c.sent.push(input);
      if (result.replayed) continue;
      if (input.id.startsWith('shared-id-')) {
        expect(sharedOk.has(input.id), `${input.id} applied twice`).toBe(false);
        sharedOk.add(input.id);
      }
      expected.apply(result.transfer);
      if (result.transfer.kind === 'pending' && !input.linked) c.openHolds.push(result.transfer.id);
    }
  }
  return transfers;
}
