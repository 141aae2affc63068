import { tmpdir } from 'node:os';
import { toCustomerCharge } from '@tallystick/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { parseRate } from '../src/demo/money.ts';
import type { DemoReport } from '../src/demo/report.ts';
import { killAll, tally } from './support.ts';

const DEMO_TIMEOUT_MS = 90_000;

describe('tally demo', () => {
  afterEach(killAll);

  it.each(['normal', 'exhaust'])(
    '--json --scenario %s prints one JSON object whose figures agree, and exits 0',
    async (scenario) => {
      const demo = tally(['demo', '--json', '--scenario', scenario], tmpdir());
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
