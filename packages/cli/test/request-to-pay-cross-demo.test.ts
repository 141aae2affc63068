import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, tally } from './support.ts';

describe('tally demo --scenario request-to-pay-cross', () => {
  afterEach(killAll);

  it('debits the op-a customer in SEK, credits the op-b box office in EUR, and both books balance', async () => {
    const t = tally(
      ['demo', '--scenario', 'request-to-pay-cross', '--json'],
      mkdtempSync(join(tmpdir(), 'tally-x-')),
    );
    const { code } = await t.exited;
    expect(code, t.stderr()).toBe(0);
    const report = JSON.parse(t.stdout());
    expect(report.affirmation).toMatchObject({
      atCustomerOperator: 'affirmed',
      atMerchantOperator: 'affirmed',
    });
    const { transfer } = report;
    const charge = BigInt(transfer.chargeMinor);
    // 45.00 EUR at 1 SEK = 0.0874 EUR: ceil(4500 / 0.0874) öre, rounded in the operator's favour.
    expect(charge).toBe(51_488n);
    expect(BigInt(transfer.customerPostedMinor.before) - BigInt(transfer.customerPostedMinor.after)).toBe(
      charge,
    );
    expect(BigInt(transfer.merchantPostedMinor.after) - BigInt(transfer.merchantPostedMinor.before)).toBe(
      BigInt(transfer.amountMinor) - BigInt(transfer.feeMinor),
    );
    expect(Object.values(transfer.interopPostedMinor)).toEqual([charge.toString(), (-charge).toString()]);
    expect(report.webhook).toMatchObject({ type: 'purchase_request.paid', applied: 1 });
    expect(report.ledgerBalanced).toEqual({ 'op-a': true, 'op-b': true });
  }, 120_000);
});
