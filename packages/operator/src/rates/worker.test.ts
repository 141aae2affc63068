import { describe, expect, it } from 'vitest';
import type { RatesFileProvider, RatesRefresh } from './provider.ts';
import { startRatesRefresher } from './worker.ts';

function fakeProvider(answers: RatesRefresh[], delayMs: number) {
  let calls = 0;
  let running = 0;
  let runningMax = 0;
  const provider = {
    rate: () => undefined,
    current: () => undefined,
    async refresh() {
      calls += 1;
      running += 1;
      runningMax = Math.max(runningMax, running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      running -= 1;
      return answers[Math.min(calls - 1, answers.length - 1)] as RatesRefresh;
    },
  } satisfies RatesFileProvider;
  return { provider, calls: () => calls, runningMax: () => runningMax };
}

function fakeLog() {
  const lines: { level: string; fields: unknown; message: string }[] = [];
  const at = (level: string) => (fields: unknown, message: string) => lines.push({ level, fields, message });
  return { log: { warn: at('warn'), info: at('info'), error: at('error') } as never, lines };
}

describe('rates refresher', () => {
  it('polls one refresh at a time, logs a refusal with its code, and stops after the refresh in flight', async () => {
    const refused: RatesRefresh = {
      ok: false,
      error: 'rates_file_signature_invalid',
      detail: 'x',
      kept: 'r-1',
    };
    const loaded: RatesRefresh = { ok: true, ratesId: 'r-2', rates: 3, changed: true };
    // Each refresh takes longer than the interval: ticks in between are skipped, never stacked.
    const fake = fakeProvider([refused, loaded], 30);
    const { log, lines } = fakeLog();
    const worker = startRatesRefresher(fake.provider, log, 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await worker.stop();
    const calls = fake.calls();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(fake.runningMax()).toBe(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      fields: { code: 'rates_file_signature_invalid', kept: 'r-1' },
    });
    expect(lines[0]?.message).toContain('was altered');
    expect(lines[1]).toMatchObject({ level: 'info', fields: { ratesId: 'r-2' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.calls()).toBe(calls);
  });
});
