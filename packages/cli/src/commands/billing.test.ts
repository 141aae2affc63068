import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { CliIo } from '../io.ts';

function fakeIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stopSignal: () => Promise.resolve('SIGTERM'),
  };
  return { io, out, err };
}

describe('tally billing export', () => {
  it.each([
    [['billing']],
    [['billing', 'export', '--since', '2030-01-01T00:00:00Z', '--format', 'csv']],
    [['billing', 'export', '--operator', 'op-b', '--since', 'yesterday', '--format', 'csv']],
    [['billing', 'export', '--operator', 'op-b', '--since', '2030-01-01T00:00:00Z', '--format', 'xls']],
  ])('refuses %j with exit code 2', async (argv) => {
    const { io } = fakeIo();
    expect(await runCli(argv, io)).toBe(2);
  });

  it('asks the operator with its admin token and prints the file', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.writeHead(200, { 'content-type': 'text/csv' }).end('transaction_id,kind\r\nop-a.1.1,deposit\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { io, out } = fakeIo({ TALLY_ADMIN_TOKEN: 'token-token' });
    const argv = ['billing', 'export', '--operator', 'op-x', '--url', url, '--since', '2030-01-01T00:00:00Z'];
    expect(await runCli([...argv, '--format', 'csv'], io)).toBe(0);
    server.close();
    expect(out.join('\n')).toContain('op-a.1.1,deposit');
    expect(seen[0]).toBe(
      '/v1/admin/billing/export?since=2030-01-01T00%3A00%3A00.000Z&format=csv Bearer token-token',
    );
  });
});
