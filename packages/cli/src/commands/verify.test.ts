import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey, type IndiciumParticulars, issueIndicium, signerOf } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { dataMatrixPng, qrPng, receiptPdf } from '../../../operator/src/fulfilment/artefacts.ts';
import type { CliIo } from '../io.ts';
import { verify } from './verify.ts';

const particulars: IndiciumParticulars = {
  kind: 'payment',
  id: 'prq-1.pay',
  transactionId: 'prq-1',
  operatorId: 'op-a',
  merchantId: 'mer-aaaaaaaaaaaaaaaa',
  customer: 'psn-1',
  amountMinor: '4500',
  currency: 'EUR',
  issuedAt: 1_900_000_000,
  itemsHash: 'cd'.repeat(32),
  description: 'Tickets',
};

function io(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    env: {},
    lines,
    out: (l) => void lines.push(l),
    err: (l) => void lines.push(l),
    stopSignal: () => new Promise(() => {}),
  };
}

describe('tally verify', () => {
  it('verifies a string, a QR PNG and a receipt PDF, and fails on tampering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-verify-'));
    const key = await generateSigningKey();
    const signer = signerOf({ ...key, kid: `op-a:${key.kid}` });
    const { indicium, text } = await issueIndicium(signer, 'op-a', particulars);
    const trust = join(dir, 'trust.json');
    writeFileSync(
      trust,
      JSON.stringify({
        version: 1,
        keys: [{ kid: signer.kid, issuer: 'op-a', role: 'operator', publicJwk: key.publicJwk }],
      }),
    );
    const png = join(dir, 'qr.png');
    writeFileSync(png, await qrPng(indicium));
    const pdf = join(dir, 'receipt.pdf');
    writeFileSync(pdf, await receiptPdf({ indicium, text, title: 'Receipt' }));
    const matrix = join(dir, 'datamatrix.png');
    writeFileSync(matrix, await dataMatrixPng(indicium));
    for (const input of [indicium, png, matrix, pdf]) {
      const out = io();
      expect(await verify([input, '--trust', trust], out), out.lines.join('\n')).toBe(0);
      expect(out.lines.join('\n')).toContain('Amount: 45.00 EUR');
    }
    const tampered = indicium.slice(0, 30) + (indicium[30] === 'A' ? 'B' : 'A') + indicium.slice(31);
    expect(await verify([tampered, '--trust', trust], io())).toBe(1);
    const badMatrix = join(dir, 'bad-datamatrix.png');
    writeFileSync(badMatrix, await dataMatrixPng(tampered));
    expect(await verify([badMatrix, '--trust', trust], io())).toBe(1);
    const badPdf = join(dir, 'bad.pdf');
    const original = (await receiptPdf({ indicium, text, title: 'Receipt' })).toString('latin1');
    writeFileSync(badPdf, Buffer.from(original.replace('Amount: 45.00 EUR', 'Amount: 95.00 EUR'), 'latin1'));
    const out = io();
    expect(await verify([badPdf, '--trust', trust], out)).toBe(1);
    expect(out.lines.join('\n')).toContain('indicium_text_mismatch');
  });
});
