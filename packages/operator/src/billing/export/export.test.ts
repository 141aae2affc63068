import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { BillingRecord } from '../model.ts';
import { BILLING_EXPORTERS } from './index.ts';
import { minorToDecimal, rateToDecimal } from './model.ts';

const rate = { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n };
const at = new Date('2030-01-01T12:00:00Z');
const records: BillingRecord[] = [
  {
    transactionId: 'op-a.1.1',
    kind: 'withdrawal',
    partyId: 'cus-abcdefghijklmnop',
    amountMinor: 1_373n,
    currency: 'SEK',
    rate,
    feeMinor: 0n,
    createdAt: at,
  },
  {
    transactionId: 'op-a.1.1',
    kind: 'deposit',
    partyId: 'mer-abcdefghijklmnop',
    amountMinor: 120n,
    currency: 'EUR',
    rate,
    feeMinor: 12n,
    createdAt: at,
  },
  {
    transactionId: 'a-very-long-operator-identifier-x.123456.7890',
    kind: 'deposit',
    partyId: 'mer-abcdefghijklmnop',
    amountMinor: 5n,
    currency: 'EUR',
    rate: { base: 'KRW', quote: 'EUR', numerator: 7n, denominator: 11_000n },
    feeMinor: 5n,
    createdAt: at,
  },
];
const context = { operatorId: 'op-b', now: at };
// The official ISO 20022 schema, unmodified (origin: camt.054.001.08.xsd.ORIGIN.md).
const xsd = readFileSync(new URL('./camt.054.001.08.xsd', import.meta.url), 'utf8');

describe('billing exports', () => {
  it('writes exact decimals', () => {
    expect(minorToDecimal(1_373n, 2)).toBe('13.73');
    expect(minorToDecimal(5n, 2)).toBe('0.05');
    expect(minorToDecimal(7n, 0)).toBe('7');
    expect(rateToDecimal(874n, 10_000n, 10)).toBe('0.0874');
    expect(rateToDecimal(114n, 10n, 10)).toBe('11.4');
    expect(rateToDecimal(1n, 3n, 4)).toBe('0.3333');
  });

  it('CSV: a header and one row per record, net = amount - fee on a deposit', () => {
    const lines = BILLING_EXPORTERS.csv.render(records, context).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'transaction_id,kind,party_id,amount_minor,fee_minor,net_minor,currency,rate_base,rate_quote,rate_numerator,rate_denominator,created_at',
    );
    expect(lines[2]).toBe(
      'op-a.1.1,deposit,mer-abcdefghijklmnop,120,12,108,EUR,SEK,EUR,874,10000,2030-01-01T12:00:00.000Z',
    );
    expect(lines).toHaveLength(4);
  });

  it('JSON: amounts as strings of minor units', () => {
    const parsed = JSON.parse(BILLING_EXPORTERS.json.render(records, context));
    expect(parsed.operatorId).toBe('op-b');
    expect(parsed.records[1]).toMatchObject({ amountMinor: '120', feeMinor: '12', netMinor: '108' });
  });

  it('camt.054: valid against the official ISO 20022 camt.054.001.08 XSD', async () => {
    const xml = BILLING_EXPORTERS.camt054.render(records, context);
    const result = await validateXML({
      xml: [{ fileName: 'export.xml', contents: xml }],
      schema: [{ fileName: 'camt054.xsd', contents: xsd }],
    });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toContain('<Amt Ccy="EUR">1.08</Amt>');
    expect(xml).toContain('<CdtDbtInd>DBIT</CdtDbtInd>');
    expect(xml).toContain('<XchgRate>0.0874</XchgRate>');
    expect(xml).toContain('<TtlChrgsAndTaxAmt Ccy="EUR">0.12</TtlChrgsAndTaxAmt>');
  });

  it('camt.054: a broken document is caught by the schema (the validator is live)', async () => {
    const xml = BILLING_EXPORTERS.camt054
      .render(records, context)
      .replace('<CdtDbtInd>DBIT', '<CdtDbtInd>DEBIT');
    const result = await validateXML({
      xml: [{ fileName: 'export.xml', contents: xml }],
      schema: [{ fileName: 'camt054.xsd', contents: xsd }],
    });
    expect(result.valid).toBe(false);
  });
});
