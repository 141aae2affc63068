import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCustomerCharge } from '@tallystick/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { parseRate } from '../src/demo/money.ts';
import type { DemoReport } from '../src/demo/report.ts';
import { killAll, tally } from './support.ts';

const DEMO_TIMEOUT_MS = 90_000;

/**
 * After the scenario, op-a settles with op-b: one settled batch per currency whose
 * net is exactly the debt both interop accounts showed, each side verified the
 * other's signed view, every reconciliation difference is zero, and each
 * operator's billing records were exported in all three formats.
 */
function expectSettledAndExported(report: DemoReport, outDir: string): void {
  const settlement = report.settlement;
  if (!settlement) throw new Error('no settlement in the report');
  expect(settlement.errors).toEqual([]);
  const [batch] = settlement.batches;
  if (!batch) throw new Error('no settlement batch');
  const owedByA = BigInt(report.balancesAfter.interopAtOpA.postedMinor);
  expect(owedByA).toBeGreaterThan(0n);
  expect(batch).toMatchObject({ state: 'settled', peerState: 'settled', currency: 'SEK' });
  expect(batch.netMinorByOperator).toEqual({ 'op-a': String(-owedByA), 'op-b': String(owedByA) });
  expect(batch.netAmounts).toEqual([
    { currency: 'SEK', payer: 'op-a', payee: 'op-b', amountMinor: String(owedByA) },
  ]);
  expect([...batch.statementVerifiedBy].sort()).toEqual(['op-a', 'op-b']);
  for (const tx of report.transactions) expect(tx.settlementBatchId).toBe(batch.batchId);
  expect(settlement.reconciled).toBe(true);
  for (const line of settlement.reconciliation) {
    expect(line).toMatchObject({
      differenceMinor: '0',
      settlementDifferenceMinor: '0',
      interopNetMinor: '0',
    });
  }
  const exports = report.billingExports ?? [];
  expect(exports.map((e) => `${e.operatorId}/${e.format}`).sort()).toEqual([
    'op-a/camt054',
    'op-a/csv',
    'op-a/json',
    'op-b/camt054',
    'op-b/csv',
    'op-b/json',
  ]);
  // One withdrawal record per transaction at op-a, one deposit record at op-b, in every format.
  for (const e of exports) expect(e.records, `${e.operatorId} ${e.format}`).toBe(report.transactions.length);
  for (const e of exports) {
    expect(readFileSync(e.path).length).toBe(e.bytes);
    expect(e.path.startsWith(outDir)).toBe(true);
  }
}

describe('tally demo', () => {
  afterEach(killAll);
  const cleanUp: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const clean of cleanUp) await clean();
  });

  it.each(['normal', 'exhaust', 'expired-table'])(
    '--json --scenario %s prints one JSON object whose figures agree, and exits 0',
    async (scenario) => {
      const outDir = await mkdtemp(join(tmpdir(), 'tally-demo-test-'));
      cleanUp.push(() => rm(outDir, { recursive: true, force: true }));
      const demo = tally(['demo', '--json', '--scenario', scenario, '--out-dir', outDir], tmpdir());
      const { code } = await demo.exited;
      expect(code, demo.stderr()).toBe(0);
      const report = JSON.parse(demo.stdout()) as DemoReport; // nothing else on stdout
      expect(report.scenario).toBe(scenario);
      expect(report.transactions.length).toBe(scenario === 'exhaust' ? 2 : 1);
      let clearedMerchant = 0n;
      for (const tx of report.transactions) {
        expect(tx.transactionId.startsWith(`${report.sessionId}.`)).toBe(true);
        expect(tx.outcome).toBe('agreed');
        expect(tx.purchases.length).toBeGreaterThan(0);
        const deposit = BigInt(tx.depositCustomerMinor);
        const cleared = BigInt(tx.clearedCustomerMinor ?? 'x');
        const released = BigInt(tx.releasedCustomerMinor ?? 'x');
        expect(cleared + released).toBe(deposit);
        // The customer pays the cleared euros converted back at the session's rate, rounded up.
        if (!tx.rate) throw new Error(`${tx.transactionId} has no rate`);
        const charge = toCustomerCharge(BigInt(tx.clearedMerchantMinor ?? 'x'), parseRate(tx.rate));
        expect(cleared).toBe(charge);
        // The shop is credited what was cleared, less the operator's acquiring fee (if any).
        clearedMerchant += BigInt(tx.clearedMerchantMinor ?? 'x') - BigInt(tx.feeMinor ?? 'x');
      }
      const merchantMoved =
        BigInt(report.balancesAfter.merchant.postedMinor) -
        BigInt(report.balancesBefore.merchant.postedMinor);
      expect(merchantMoved).toBe(clearedMerchant);
      expect(report.ledgerBalanced).toBe(true);
      expect(report.holdsResolved).toBe(true);
      expectSettledAndExported(report, outDir);
      if (scenario === 'expired-table') {
        expect(report.currencyTable).toMatchObject({ refreshed: true, warning: 'currency_table_expired' });
        expect(report.currencyTable?.freshTableId).not.toBe(report.currencyTable?.expiredTableId);
        expect(report.currencyTable?.sessionTableId).toBe(report.currencyTable?.freshTableId);
        expect(report.currencyTable?.warnings).toEqual(['currency_table_missing', 'currency_table_expired']);
      }
    },
    DEMO_TIMEOUT_MS,
  );

  it('refuses an unknown scenario with the usage, before starting anything', async () => {
    const err: string[] = [];
    const io = {
      env: {},
      out: () => undefined,
      err: (l: string) => err.push(l),
      stopSignal: () => new Promise<string>(() => {}),
    };
    expect(await runCli(['demo', '--scenario', 'heist'], io)).toBe(2);
    expect(err[0]).toContain('--scenario: "heist" is not one of normal, exhaust, merchant-stop');
  });
});
