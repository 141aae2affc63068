import type { OperatorNode } from '@tallystick/operator';

export interface Balance {
  readonly accountId: string;
  readonly currency: string;
  /** Credits minus debits, posted. */
  readonly postedMinor: bigint;
  /** Credits minus debits, still pending (holds). */
  readonly pendingMinor: bigint;
}

export interface LedgerCheck {
  /** Per currency: every account's posted balances sum to zero, and so do the pending ones. */
  readonly balanced: boolean;
  readonly sums: Readonly<Record<string, { readonly postedMinor: bigint; readonly pendingMinor: bigint }>>;
  readonly holds: number;
  /** Holds still pending, and holds whose resolution is missing, doubled or inconsistent. */
  readonly holdsOpen: readonly string[];
  readonly holdsBroken: readonly string[];
}

type Books = OperatorNode['db']['kysely'];

/** An account's balance; zero for an account not created yet (interop accounts appear with the first session). */
export async function balanceOf(db: Books, accountId: string, currency: string): Promise<Balance> {
  const row = await db
    .selectFrom('ledger_accounts')
    .select(['currency', 'debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return {
    accountId,
    currency: row?.currency ?? currency,
    postedMinor: row ? row.credits_posted - row.debits_posted : 0n,
    pendingMinor: row ? row.credits_pending - row.debits_pending : 0n,
  };
}

/** Reads the books whole: the double-entry sums per currency and the life of every hold (DESIGN §4). */
export async function checkLedger(db: Books): Promise<LedgerCheck> {
  const accounts = await db
    .selectFrom('ledger_accounts')
    .select(['currency', 'debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'])
    .execute();
  const sums: Record<string, { postedMinor: bigint; pendingMinor: bigint }> = {};
  for (const row of accounts) {
    const sum = sums[row.currency] ?? { postedMinor: 0n, pendingMinor: 0n };
    sums[row.currency] = sum;
    sum.postedMinor += row.credits_posted - row.debits_posted;
    sum.pendingMinor += row.credits_pending - row.debits_pending;
  }
  const { holds, holdsOpen, holdsBroken } = await checkHolds(db);
  const balanced = Object.values(sums).every((s) => s.postedMinor === 0n && s.pendingMinor === 0n);
  return { balanced, sums, holds, holdsOpen, holdsBroken };
}

const RESOLUTION_OF = { post: 'posted', void: 'voided', expire: 'expired' } as const;

/** Every hold resolved exactly once: one post, void or expiry refers to it, and its status says which. */
async function checkHolds(db: Books) {
  const holds = await db
    .selectFrom('ledger_transfers')
    .select(['id', 'pending_status'])
    .where('kind', '=', 'pending')
    .execute();
  const resolutions = await db
    .selectFrom('ledger_transfers')
    .select(['pending_id', 'kind'])
    .where('pending_id', 'is not', null)
    .execute();
  const resolvedBy = new Map<string, string[]>();
  for (const r of resolutions) {
    const id = r.pending_id ?? '';
    resolvedBy.set(id, [...(resolvedBy.get(id) ?? []), r.kind]);
  }
  const holdsOpen: string[] = [];
  const holdsBroken: string[] = [];
  for (const hold of holds) {
    const kinds = resolvedBy.get(hold.id) ?? [];
    if (hold.pending_status === 'pending' && kinds.length === 0) holdsOpen.push(hold.id);
    else if (
      kinds.length !== 1 ||
      RESOLUTION_OF[kinds[0] as keyof typeof RESOLUTION_OF] !== hold.pending_status
    )
      holdsBroken.push(hold.id);
  }
  const holdIds = new Set(holds.map((h) => h.id));
  for (const id of resolvedBy.keys()) if (!holdIds.has(id)) holdsBroken.push(id);
  return { holds: holds.length, holdsOpen, holdsBroken };
}
