import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWallet, wrapFetch } from '@tallystick/wallet';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPaidClient } from '../../../examples/paid-api/client.ts';
import { readNetworkState } from '../src/network/state-file.ts';
import { freeBasePort, killAll, type Tally, tally, waitFor } from './support.ts';

const START_TIMEOUT_MS = 60_000;

describe('tally start', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'tally-start-'));
  });
  afterEach(killAll);
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  async function started(t: Tally) {
    await waitFor(t, /Press Ctrl\+C to stop\.[\s\S]*npx tally demo/, START_TIMEOUT_MS);
    const url = (id: string) => new RegExp(`^${id} .*\\n\\s+url:\\s+(\\S+)`, 'm').exec(t.stdout())?.[1];
    return {
      opA: url('op-a') ?? '',
      opB: url('op-b') ?? '',
      customerId: /customer id:\s+(cus-\S+)/.exec(t.stdout())?.[1],
      apiKey: /api key:\s+(tsk_\S+)/.exec(t.stdout())?.[1],
    };
  }

  it(
    'brings up both operators, the shop and a funded customer, stops on SIGTERM, and keeps them across restarts',
    async () => {
      const base = await freeBasePort();
      const dataDir = join(workDir, 'network');
      const args = ['start', '--data-dir', dataDir, '--port', String(base)];
      const first = tally(args, workDir);
      const up = await started(first);
      expect(up.opA).toBe(`http://127.0.0.1:${base}`);
      expect(up.opB).toBe(`http://127.0.0.1:${base + 1}`);
      expect(first.stdout()).toContain(`http://127.0.0.1:${base + 2}`);
      expect(first.stdout()).toMatch(/admin token: +tat_/);
      expect(first.stdout()).toMatch(/balance: +1,000\.00 SEK/);
      for (const [url, operatorId] of [
        [up.opA, 'op-a'],
        [up.opB, 'op-b'],
      ]) {
        expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', operatorId });
      }
      const me = await fetch(`${up.opA}/v1/me`, { headers: { authorization: `Bearer ${up.apiKey}` } });
      expect(await me.json()).toMatchObject({ partyId: up.customerId, kind: 'customer' });
      expect((await stat(join(dataDir, 'network.json'))).mode & 0o777).toBe(0o600);
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });

      const second = tally(args, workDir);
      const again = await started(second);
      expect(again.customerId).toBe(up.customerId);
      expect(second.stdout()).toContain('(the one from the last run)');
      second.child.kill('SIGINT');
      expect((await second.exited).code).toBe(0);
    },
    3 * START_TIMEOUT_MS,
  );

  it(
    'serves the paid API (examples/paid-api): a 402 without payment, 200 paid with wrapFetch, and the transactions clear',
    async () => {
      const base = await freeBasePort();
      const dataDir = join(workDir, 'paid-api');
      const t = tally(['start', '--data-dir', dataDir, '--port', String(base)], workDir);
      const up = await started(t);
      const apiUrl = `http://127.0.0.1:${base + 3}`;
      const out = t.stdout();
      expect(out).toMatch(new RegExp(`paid API \\(HTTP 402, x402\\)[^\\n]*\\n\\s+url:\\s+${apiUrl}\\n`));
      expect(out).toContain(
        `npm run example:paid-api -- --against ${apiUrl} --operator ${up.opA} --data-dir ./paid-api`,
      );

      const unpaid = await fetch(`${apiUrl}/weather`);
      expect(unpaid.status).toBe(402);
      expect(unpaid.headers.get('payment-required')).toBeTruthy();
      expect(await unpaid.json()).toMatchObject({ error: { code: 'payment_required' } });

      const state = await readNetworkState(dataDir);
      if (!state) throw new Error('expected network.json');
      const wallet = createWallet({
        amBaseUrl: up.opA,
        amOperatorId: 'op-a',
        customerId: state.customer.id,
        apiKey: state.customer.apiKey,
        customerKey: state.customer.key,
      });
      const paidFetch = wrapFetch(fetch, wallet, { maxDepositMinor: 1_000n, maxPriceMinor: 10n });
      const paid = await paidFetch(`${apiUrl}/weather`);
      expect(paid.status).toBe(200);
      expect(paid.headers.get('payment-response')).toBeTruthy();
      expect(await paid.json()).toMatchObject({ city: 'Stockholm' });
      expect(paidFetch.spent()).toEqual({ EUR: 3n });
      await paidFetch.close();

      // The example's client, as the banner's command runs it: spends, terminates, and the operators clear.
      const report = await runPaidClient(wallet, apiUrl, { calls: 60 });
      expect(report).toMatchObject({ calls: 60, ok: 60, failed: 0 });
      // 20 × 3 + 20 × 2 + translations of 11, 36 and 26 characters (1, 2 and 2 units) 7, 7 and 6 times.
      expect(report.spent).toEqual({ EUR: 60n + 40n + 7n + 14n + 12n });
      for (const { transactionId } of report.transactions) {
        await expect
          .poll(async () => (await wallet.getTransaction(transactionId)).status, { timeout: 15_000 })
          .toBe('cleared');
      }
      t.child.kill('SIGTERM');
      expect((await t.exited).code).toBe(0);
    },
    3 * START_TIMEOUT_MS,
  );

  it('says which port is taken and exits 1', async () => {
    const base = await freeBasePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(base + 1, '127.0.0.1', resolve));
    try {
      const t = tally(['start', '--memory', '--port', String(base)], workDir);
      expect((await t.exited).code).toBe(1);
      expect(t.stderr().trim()).toBe(
        `tally: port ${base + 1} (for op-b) on 127.0.0.1 is already in use; ` +
          'stop what uses it, or move the network with --port <n> (uses n to n+3)',
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
