/**
 * The child processes of `npm run bench:sessions`: an operator node (role
 * `operator`, configured through `loadConfig` from the environment like a real
 * one) or the merchant's shop (role `shop`: the merchant SDK called from a plain
 * node:http server with an information, a purchase and a terminate endpoint). Each says `ready` over
 * IPC and stops on `stop`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMemoryMerchantStore,
  createMerchant,
  type InformationRequest,
  type Merchant,
  MerchantError,
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
  // Plain node:http, as a merchant's own server would call the SDK: no WHATWG Request/Response per call.
  const server = createServer((req, res) => {
    readJson(req).then(
      (body) => {
        if (!merchant) return reply(res, 503, { error: { code: 'starting' } });
        return route(merchant, req.url ?? '/', body).then(
          ([status, answer]) => reply(res, status, answer),
          (error: unknown) =>
            reply(res, error instanceof MerchantError ? 422 : 500, {
              error: { code: (error as MerchantError).code ?? 'internal_error', message: String(error) },
            }),
        );
      },
      () => reply(res, 400, { error: { code: 'request_malformed' } }),
    );
  });
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

async function route(
  merchant: Merchant,
  path: string,
  body: Record<string, string>,
): Promise<[number, object]> {
  if (path === INFORMATION_PATH) {
    return [200, await merchant.handleInformation(body as unknown as InformationRequest)];
  }
  if (path === PURCHASE_PATH) {
    const { transactionId = '', voucher = '', sku = '', priceMinor = '0' } = body;
    const result = await merchant.acceptPurchase(transactionId, voucher, {
      sku,
      priceMinor: BigInt(priceMinor),
    });
    return result.ok
      ? [200, { item: sku, remainingMinor: String(result.receipt.remainingMinor) }]
      : [402, { error: { code: result.code } }];
  }
  if (path === TERMINATE_PATH) {
    const { transactionId } = await merchant.receiveTerminate(body.terminate ?? '');
    const record = await merchant.submitRecord(transactionId);
    return [200, { recordStatus: record.status }];
  }
  return [404, { error: { code: 'not_found' } }];
}

const SHOP_BODY_BYTES_MAX = 64 * 1024;

function readJson(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.byteLength;
      if (length > SHOP_BODY_BYTES_MAX) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks, length).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
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
