import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, tally } from './support.ts';

describe('tally demo --scenario request-to-pay-cross', () => {
  afterEach(killAll);

  it('debits the op-a customer in SEK, credits the op-b box office in EUR, books balance, items verify', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tally-x-'));
    const t = tally(['demo', '--scenario', 'request-to-pay-cross', '--json', '--artefacts-dir', 'out'], cwd);
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

    // op-b issued the items for her customer at op-a, and they verify offline like local ones.
    // biome-ignore lint/suspicious/noExplicitAny: item views
    const kinds = report.items.map((i: any) => i.kind).sort();
    expect(kinds).toEqual(['certificate', 'indicium', 'shipment', 'ticket', 'ticket']);
    expect(report.verification).toEqual({
      string: 'valid',
      qrPng: 'valid',
      dataMatrixPng: 'valid',
      receiptPdf: 'valid',
    });
    const indicium = readFileSync(report.artefacts.indicium, 'utf8').trim();
    // biome-ignore lint/suspicious/noExplicitAny: item views
    expect(report.items.find((i: any) => i.kind === 'indicium').indicium).toBe(indicium);
    const trust = ['--trust', report.artefacts.trustList];
    const verify = (input: string, ...more: string[]) => {
      const v = tally(['verify', input, ...trust, ...more], cwd);
      return v.exited.then(({ code }) => ({ code, v }));
    };
    const pdf = await verify(report.artefacts.receiptPdf, '--json');
    expect(pdf.code, pdf.v.stderr()).toBe(0);
    const verified = JSON.parse(pdf.v.stdout());
    expect(verified).toMatchObject({ valid: true, issuer: 'op-b' });
    // She is named by the pseudonym op-a gave, never by her id at op-a.
    expect(verified.particulars.customer).toMatch(/^psn-/);
    expect(JSON.stringify(verified)).not.toContain(report.customer.id);
    const flipped = indicium.slice(0, 40) + (indicium[40] === 'A' ? 'B' : 'A') + indicium.slice(41);
    const tampered = await verify(flipped);
    expect(tampered.code).not.toBe(0);
    expect(tampered.v.stderr()).toContain('INVALID');
  }, 120_000);
});
