import { sql } from 'kysely';
import { AccountFlags, type LedgerExecutor } from '../model.ts';
import { type AccountRow, accountFromRow, type TransferRow, transferFromRow } from '../rows.ts';
import type { AccountState, TransferRecord } from '../state.ts';

type Totals = { dp: bigint; dpo: bigint; cp: bigint; cpo: bigint };

/**
 * Checks DESIGN §4's invariants on the whole database and returns what is
 * broken (empty when all hold): per currency, posted and pending balances sum
 * to zero; no limited account beyond its limit; every hold resolved at most
 * once and its status matching its resolution; and replaying the journal in
 * seq order reproduces every stored balance.
 */
export async function ledgerViolations(ex: LedgerExecutor): Promise<string[]> {
  const accountRows = await sql<AccountRow>`select * from ledger_accounts order by id`.execute(ex);
  const transferRows = await sql<TransferRow>`select * from ledger_transfers order by seq`.execute(ex);
  const accounts = accountRows.rows.map(accountFromRow);
  const journal = transferRows.rows.map(transferFromRow);
  return [...sumViolations(accounts), ...limitViolations(accounts), ...replayViolations(accounts, journal)];
}

function sumViolations(accounts: readonly AccountState[]): string[] {
  const sums = new Map<string, { posted: bigint; pending: bigint }>();
  for (const a of accounts) {
    const sum = sums.get(a.currency) ?? { posted: 0n, pending: 0n };
    sum.posted += a.creditsPostedMinor - a.debitsPostedMinor;
    sum.pending += a.creditsPendingMinor - a.debitsPendingMinor;
    sums.set(a.currency, sum);
  }
  return [...sums].flatMap(([currency, sum]) =>
    sum.posted === 0n && sum.pending === 0n
      ? []
      : [`${currency}: posted sum ${sum.posted}, pending sum ${sum.pending}, expected 0`],
  );
}

function limitViolations(accounts: readonly AccountState[]): string[] {
  return accounts.flatMap((a) => {
    const debits = a.debitsPendingMinor + a.debitsPostedMinor;
    const credits = a.creditsPendingMinor + a.creditsPostedMinor;
    if ((a.flags & AccountFlags.debitsMustNotExceedCredits) !== 0 && debits > a.creditsPostedMinor) {
      return [`${a.id}: debits ${debits} exceed credits posted ${a.creditsPostedMinor}`];
    }
    if ((a.flags & AccountFlags.creditsMustNotExceedDebits) !== 0 && credits > a.debitsPostedMinor) {
      return [`${a.id}: credits ${credits} exceed debits posted ${a.debitsPostedMinor}`];
    }
    return [];
  });
}

const RESOLVED_STATUS = { post: 'posted', void: 'voided', expire: 'expired' } as const;

/** Balances from the journal alone, each hold's resolutions counted, compared with the rows. */
function replayViolations(accounts: readonly AccountState[], journal: readonly TransferRecord[]): string[] {
  const violations: string[] = [];
  const totals = new Map<string, Totals>(accounts.map((a) => [a.id, { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n }]));
  const holds = new Map<string, { hold: TransferRecord; resolution: TransferRecord | null }>();
  for (const t of journal) {
    const debit = totals.get(t.debitAccountId);
    const credit = totals.get(t.creditAccountId);
    if (!debit || !credit) {
      violations.push(`${t.id}: unknown account`);
      continue;
    }
    if (t.kind === 'single') {
      debit.dpo += t.amountMinor;
      credit.cpo += t.amountMinor;
    } else if (t.kind === 'pending') {
      debit.dp += t.amountMinor;
      credit.cp += t.amountMinor;
      holds.set(t.id, { hold: t, resolution: null });
    } else {
      const entry = holds.get(t.pendingId ?? '');
      if (!entry) violations.push(`${t.id}: resolves ${t.pendingId}, not an earlier hold`);
      else if (entry.resolution)
        violations.push(`${t.pendingId}: resolved twice (${entry.resolution.id}, ${t.id})`);
      else {
        entry.resolution = t;
        const posted = t.kind === 'post' ? t.amountMinor : 0n;
        debit.dp -= entry.hold.amountMinor;
        credit.cp -= entry.hold.amountMinor;
        debit.dpo += posted;
        credit.cpo += posted;
      }
    }
  }
  for (const { hold, resolution } of holds.values()) {
    const expected = resolution
      ? RESOLVED_STATUS[resolution.kind as keyof typeof RESOLVED_STATUS]
      : 'pending';
    if (hold.pendingStatus !== expected)
      violations.push(`${hold.id}: status ${hold.pendingStatus}, journal says ${expected}`);
  }
  for (const a of accounts) {
    const t = totals.get(a.id) as Totals;
    const stored = [a.debitsPendingMinor, a.debitsPostedMinor, a.creditsPendingMinor, a.creditsPostedMinor];
    const replayed = [t.dp, t.dpo, t.cp, t.cpo];
    if (stored.some((v, i) => v !== replayed[i]))
      violations.push(`${a.id}: stored ${stored}, journal ${replayed}`);
  }
  return violations;
}
