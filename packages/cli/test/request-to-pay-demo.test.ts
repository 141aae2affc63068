import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArtefactPaths } from '../src/demo/request-to-pay/artefacts.ts';
import type { RequestToPayReport } from '../src/demo/request-to-pay/flow.ts';
import { killAll, type Tally, tally } from './support.ts';

const DEMO_TIMEOUT_MS = 120_000;

async function run(args: readonly string[], cwd: string): Promise<{ code: number | null; t: Tally }> {
  const t = tally(args, cwd);
  const { code } = await t.exited;
  return { code, t };
}

/** One character of the base45 payload changed, after the `TS1:` prefix. */
function tamper(indicium: string): string {
  const i = 40;
  return indicium.slice(0, i) + (indicium[i] === 'A' ? 'B' : 'A') + indicium.slice(i + 1);
}

describe('tally demo --scenario request-to-pay', () => {
  afterEach(killAll);

  it(
    'reports request, affirmation, transfer, webhook and items; its artefacts verify and tampered copies fail',
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'tally-rtp-'));
      const demo = await run(
        ['demo', '--scenario', 'request-to-pay', '--json', '--artefacts-dir', 'out'],
        cwd,
      );
      expect(demo.code, demo.t.stderr()).toBe(0);
      const report = JSON.parse(demo.t.stdout()) as RequestToPayReport & {
        artefacts: ArtefactPaths;
        verification: Record<string, string>;
      };
      expect(report.request.status).toBe('pending');
      expect(report.affirmation.status).toBe('affirmed');
      expect(report.transfer.transferId).toBe(`rtp:${report.request.id}`);
      const moved =
        BigInt(report.transfer.merchantPostedMinor.after) -
        BigInt(report.transfer.merchantPostedMinor.before);
      expect(moved).toBe(BigInt(report.transfer.creditedMinor));
      expect(BigInt(report.transfer.creditedMinor) + BigInt(report.transfer.feeMinor)).toBe(
        BigInt(report.request.amountMinor),
      );
      expect(report.webhook).toMatchObject({ eventId: `${report.request.id}.paid`, applied: 1 });
      expect(report.webhook.deliveredAt).not.toBeNull();
      expect(report.ticketCheckIn).toEqual({ first: 'admitted', second: 'ticket_already_used' });
      expect(report.artefacts.dir).toBe(join(cwd, 'out'));
      const indicium = readFileSync(report.artefacts.indicium, 'utf8').trim();
      expect(report.items.find((i) => i.kind === 'indicium')?.indicium).toBe(indicium);

      const trust = ['--trust', report.artefacts.trustList];
      const { qrPng, dataMatrixPng, receiptPdf } = report.artefacts;
      const inputs = [indicium, report.artefacts.indicium, qrPng, dataMatrixPng, receiptPdf];
      const verified = await Promise.all(
        inputs.map((input) => run(['verify', input, ...trust, '--json'], cwd)),
      );
      for (const [i, v] of verified.entries()) {
        expect(v.code, `${inputs[i]}: ${v.t.stdout()}${v.t.stderr()}`).toBe(0);
        expect(JSON.parse(v.t.stdout())).toMatchObject({ valid: true, issuer: 'op-b' });
      }

      const badPdf = join(cwd, 'tampered.pdf');
      const pdf = readFileSync(receiptPdf).toString('latin1');
      expect(pdf).toContain('Amount: 45.00 EUR');
      writeFileSync(badPdf, Buffer.from(pdf.replaceAll('Amount: 45.00 EUR', 'Amount: 95.00 EUR'), 'latin1'));
      const badTxt = join(cwd, 'tampered.txt');
      writeFileSync(badTxt, tamper(indicium));
      const otherTrust = join(cwd, 'other-trust.json');
      writeFileSync(otherTrust, JSON.stringify({ version: 1, keys: [] }));
      const tampered = [
        [tamper(indicium), trust],
        [badTxt, trust],
        [badPdf, trust],
        [qrPng, ['--trust', otherTrust]],
      ] as const;
      const refused = await Promise.all(tampered.map(([input, t]) => run(['verify', input, ...t], cwd)));
      for (const [i, r] of refused.entries()) {
        expect(r.code, `${tampered[i]?.[0]} verified`).not.toBe(0);
        expect(r.t.stderr()).toContain('INVALID');
      }
    },
    DEMO_TIMEOUT_MS,
  );
});
