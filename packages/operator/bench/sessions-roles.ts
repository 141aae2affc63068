/**
 * The child processes of `npm run bench:sessions`: an operator node (role
 * `operator`, configured through `loadConfig` from the environment like a real
 * one) or the merchant's shop (role `shop`: the merchant SDK on node:http with
 * an information, a purchase and a terminate endpoint). Each says `ready` over
 * IPC and stops on `stop`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryMerchantStore,
  createMerchant,
  type Merchant,
  MerchantError,
  toNodeListener,
} from '@tallystick/merchant';
import { generateSigningKey } from '@tallystick/protocol';
import { createNodeFetch } from '@tallystick/protocol/node';
import { loadConfig } from '../src/config/load.ts';
import { startOperatorNode } from '../src/node.ts';

export type RoleMessage =
  | { readonly kind: 'ready'; readonly url: string; readonly merchantId?: string }
  | { readonly kind: 'failed'; readonly message: string }
  /** Microseconds of CPU this process used so far (`process.cpuUsage()`). */
  | { readonly kind: 'cpu'; readonly user: number; readonly system: number };

export const PURCHASE_PATH = '/purchase';
export const TERMINATE_PATH = '/terminate';
const INFORMATION_PATH = '/tally/information';

async function main(): Promise<void> {
  const role = process.argv[2];
  const stop = role === 'operator' ? await runOperator() : role === 'shop' ? await runShop() : undefined;
  if (!stop) throw new Error(`unknown role ${role}`);
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ kind: 'cpu', ...process.cpuUsage() });
    if (message === 'stop') void stop().then(() => process.exit(0));
  });
}

async function runOperator(): Promise<() => Promise<void>> {
  const port = process.env.BENCH_PORT ?? '0';
  const node = await startOperatorNode(loadConfig(process.env, { host: '127.0.0.1', port }));
  send({ kind: 'ready', url: node.url });
  return node.close;
}

/** Registers itself at its operator (admin API), then serves as that merchant. */
async function runShop(): Promise<() => Promise<void>> {
  const { BENCH_MTA_URL: mtaUrl, BENCH_MTA_ID: operatorId, TALLY_ADMIN_TOKEN: admin } = process.env;
  if (!mtaUrl || !operatorId || !admin) throw new Error('BENCH_MTA_URL, BENCH_MTA_ID, TALLY_ADMIN_TOKEN');
  let merchant: Merchant | undefined;
  const server = createServer(
    toNodeListener(async (request) => {
      if (!merchant) return answer(503, { error: { code: 'starting' } });
      return route(merchant, request).catch((error: unknown) =>
        answer(error instanceof MerchantError ? 422 : 500, {
          error: { code: (error as MerchantError).code ?? 'internal_error', message: String(error) },
        }),
      );
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await generateSigningKey();
  const response = await fetch(`${mtaUrl}/v1/merchants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      displayName: 'Bench shop',
      publicJwk: key.publicJwk,
      endpointUrl: `${url}${INFORMATION_PATH}`,
    }),
  });
  const registered = (await response.json()) as { merchantId: string; apiKey: string };
  if (response.status !== 201) throw new Error(`shop registration: ${JSON.stringify(registered)}`);
  merchant = createMerchant({
    merchantId: registered.merchantId,
    operatorId,
    mtaBaseUrl: mtaUrl,
    apiKey: registered.apiKey,
    merchantKey: key,
    store: createMemoryMerchantStore(),
    fetch: createNodeFetch(),
  });
  send({ kind: 'ready', url, merchantId: registered.merchantId });
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

async function route(merchant: Merchant, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === INFORMATION_PATH) return merchant.informationHandler()(request);
  const body = (await request.json()) as Record<string, string>;
  if (path === PURCHASE_PATH) {
    const { transactionId = '', voucher = '', sku = '', priceMinor = '0' } = body;
    const result = await merchant.acceptPurchase(transactionId, voucher, {
      sku,
      priceMinor: BigInt(priceMinor),
    });
    return result.ok
      ? answer(200, { item: sku, remainingMinor: String(result.receipt.remainingMinor) })
      : answer(402, { error: { code: result.code } });
  }
  if (path === TERMINATE_PATH) {
    const { transactionId } = await merchant.receiveTerminate(body.terminate ?? '');
    const record = await merchant.submitRecord(transactionId);
    return answer(200, { recordStatus: record.status });
  }
  return answer(404, { error: { code: 'not_found' } });
}

function answer(status: number, body: object): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function send(message: RoleMessage): void {
  process.send?.(message);
}

// The bench imports the paths from here: only a forked child (with a role) runs.
if (process.send && process.argv[2] !== undefined) {
  main().catch((error: unknown) => {
    send({ kind: 'failed', message: (error as Error)?.stack ?? String(error) });
    process.exit(1);
  });
}
