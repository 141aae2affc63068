import { relative } from 'node:path';
import { ADMIN_TOKEN_FILE, DOCS_PATH } from '@tallystick/operator';
import { PRICES } from '../../../../examples/paid-api/api.ts';
import { formatMoney } from '../demo/money.ts';
import type { CliIo } from '../io.ts';
import { SHOP_NAME } from './catalog.ts';
import { balanceOf } from './ledger.ts';
import type { NetworkStorage } from './model.ts';
import type { LocalNetwork } from './network.ts';
import type { NetworkOperator } from './operators.ts';
import { STATE_FILE } from './state-file.ts';

/** What runs beside the network itself (`tally start` adds the paid API). */
export interface NetworkExtras {
  /** examples/paid-api on the shop's merchant: three priced routes behind HTTP 402 (x402). */
  readonly paidApiUrl?: string;
}

/** What a newcomer needs to use the running network: where everything is, and the keys to it. */
export async function printNetwork(
  io: CliIo,
  network: LocalNetwork,
  storage: NetworkStorage,
  extras: NetworkExtras = {},
): Promise<void> {
  const where =
    storage.kind === 'data-dir' ? `data in ${shown(storage.dir)}` : 'in memory: gone when it stops';
  const customer = network.customer;
  const balance = await balanceOf(
    network.customerOperator.node.db.kysely,
    customer.accountId,
    network.customerOperator.spec.currency,
  );
  const kept = (file: string) => (storage.kind === 'data-dir' ? `   (kept in ${shown(file)})` : '');
  io.out(`Tallystick local network is running (${where}). Press Ctrl+C to stop.`);
  for (const operator of [network.customerOperator, network.merchantOperator]) {
    printOperator(io, operator, storage, kept);
  }
  io.out('');
  io.out(`shop   "${SHOP_NAME}", merchant ${network.merchantCredentials.id} at op-b`);
  io.out(`  url:          ${network.shop.url}   (GET / lists the articles)`);
  const { paidApiUrl } = extras;
  if (paidApiUrl !== undefined) printPaidApi(io, network, paidApiUrl);
  io.out('');
  io.out(`demo customer at op-a${network.reused ? ' (the one from the last run)' : ''}`);
  io.out(`  customer id:  ${customer.id}`);
  io.out(`  api key:      ${customer.apiKey}${kept(`${storageDir(storage)}/${STATE_FILE}`)}`);
  io.out(`  balance:      ${formatMoney(balance.postedMinor, balance.currency)}`);
  io.out('');
  io.out('Try:');
  io.out(`  curl -H "authorization: Bearer ${customer.apiKey}" ${network.customerOperator.url}/v1/me`);
  io.out(`  curl ${network.shop.url}/`);
  if (paidApiUrl !== undefined) {
    io.out(`  curl -i ${paidApiUrl}/weather    a 402 with PAYMENT-REQUIRED: how to pay`);
    io.out(
      storage.kind === 'data-dir'
        ? `  ${paidClientCommand(paidApiUrl, network.customerOperator.url, shown(storage.dir))}`
        : '  (the paying client reads the demo customer from a data dir: start without --memory)',
    );
    if (storage.kind === 'data-dir') {
      io.out(
        '      the demo customer makes 1,000 paid calls to it (x402, hash chain) and prints what it spent',
      );
    }
  }
  io.out('  npx tally demo            a whole trading session on a throw-away network, step by step');
}

function printOperator(
  io: CliIo,
  operator: NetworkOperator,
  storage: NetworkStorage,
  kept: (file: string) => string,
): void {
  const role = operator.spec.id === 'op-a' ? "the customer's operator" : "the shop's operator";
  io.out('');
  io.out(`${operator.spec.id}   ${role}, books in ${operator.spec.currency}`);
  io.out(`  url:          ${operator.url}`);
  io.out(`  docs:         ${operator.url}${DOCS_PATH}`);
  io.out(
    `  admin token:  ${operator.node.adminToken}${kept(`${storageDir(storage)}/${operator.spec.id}/${ADMIN_TOKEN_FILE}`)}`,
  );
}

function printPaidApi(io: CliIo, network: LocalNetwork, url: string): void {
  const currency = network.merchantOperator.spec.currency;
  const price = (minor: bigint) => formatMoney(minor, currency);
  io.out('');
  io.out(`paid API (HTTP 402, x402), merchant ${network.merchantCredentials.id} at op-b`);
  io.out(`  url:          ${url}`);
  io.out(
    `  routes:       GET /weather ${price(PRICES.weather)}, GET /quote/:symbol ${price(PRICES.quote)}, ` +
      `POST /translate ${price(PRICES.translatePer20Chars)} per 20 characters`,
  );
}

/** The paying client of examples/paid-api against this network, as one command to paste. */
export function paidClientCommand(apiUrl: string, customerOperatorUrl: string, dataDir: string): string {
  return `npm run example:paid-api -- --against ${apiUrl} --operator ${customerOperatorUrl} --data-dir ${dataDir}`;
}

function storageDir(storage: NetworkStorage): string {
  return storage.kind === 'data-dir' ? storage.dir : '';
}

/** Paths under the working directory read better relative (`./.tally/…`). */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : `./${rel}`;
}
