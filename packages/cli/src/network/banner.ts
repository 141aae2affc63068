import { relative } from 'node:path';
import { ADMIN_TOKEN_FILE, DOCS_PATH } from '@tallystick/operator';
import { formatMoney } from '../demo/money.ts';
import type { CliIo } from '../io.ts';
import { SHOP_NAME } from './catalog.ts';
import { balanceOf } from './ledger.ts';
import type { NetworkStorage } from './model.ts';
import type { LocalNetwork } from './network.ts';
import type { NetworkOperator } from './operators.ts';
import { STATE_FILE } from './state-file.ts';

/** What a newcomer needs to use the running network: where everything is, and the keys to it. */
export async function printNetwork(io: CliIo, network: LocalNetwork, storage: NetworkStorage): Promise<void> {
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
  io.out('');
  io.out(`demo customer at op-a${network.reused ? ' (the one from the last run)' : ''}`);
  io.out(`  customer id:  ${customer.id}`);
  io.out(`  api key:      ${customer.apiKey}${kept(`${storageDir(storage)}/${STATE_FILE}`)}`);
  io.out(`  balance:      ${formatMoney(balance.postedMinor, balance.currency)}`);
  io.out('');
  io.out('Try:');
  io.out(`  curl -H "authorization: Bearer ${customer.apiKey}" ${network.customerOperator.url}/v1/me`);
  io.out(`  curl ${network.shop.url}/`);
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

function storageDir(storage: NetworkStorage): string {
  return storage.kind === 'data-dir' ? storage.dir : '';
}

/** Paths under the working directory read better relative (`./.tally/…`). */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : `./${rel}`;
}
