import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

  it('says which port is taken and exits 1', async () => {
    const base = await freeBasePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(base + 1, '127.0.0.1', resolve));
    try {
      const t = tally(['start', '--memory', '--port', String(base)], workDir);
      expect((await t.exited).code).toBe(1);
      expect(t.stderr().trim()).toBe(
        `tally: port ${base + 1} (for op-b) on 127.0.0.1 is already in use; ` +
          'stop what uses it, or move the network with --port <n> (uses n, n+1, n+2)',
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
