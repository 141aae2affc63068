import { join } from 'node:path';
import { createMerchant, type Merchant } from '@tallystick/merchant';
import type { LogLevel } from '@tallystick/operator';
import { SHOP_NAME } from './catalog.ts';
import { createNetworkClock, type NetworkClock } from './clock.ts';
import { openMerchantStore } from './merchant-store.ts';
import {
  CUSTOMER_CREDIT_MINOR,
  CUSTOMER_OPERATOR,
  HOST,
  MERCHANT_OPERATOR,
  type NetworkStorage,
  SHOP_PORT_OFFSET,
} from './model.ts';
import { type NetworkOperator, startOperators, sweep } from './operators.ts';
import { type PartyCredentials, registerCustomer, registerMerchant } from './parties.ts';
import { freePort } from './ports.ts';
import { listenShop, type ShopServer } from './shop.ts';
import { type NetworkState, readNetworkState, writeNetworkState } from './state-file.ts';

export interface LocalNetworkOptions {
  readonly storage: NetworkStorage;
  /** op-a listens on this port, op-b on the next, the shop on the one after; 0 picks free ports. */
  readonly basePort: number;
  readonly logLevel?: LogLevel;
  readonly logStream?: { write(line: string): void };
  readonly clock?: NetworkClock;
  /** op-b's acquiring fee (TALLY_ACQUIRING_FEE syntax, e.g. `10+150bps`); none when absent. */
  readonly merchantAcquiringFee?: string;
}

export interface LocalNetwork {
  /** op-a: the customer's operator (account manager), in SEK. */
  readonly customerOperator: NetworkOperator;
  /** op-b: the shop's operator (mediating trusted agent), in EUR. */
  readonly merchantOperator: NetworkOperator;
  readonly shop: ShopServer;
  /** The shop's side of trading sessions (merchant SDK), as the shop server uses it. */
  readonly merchant: Merchant;
  readonly merchantCredentials: PartyCredentials;
  readonly customer: PartyCredentials;
  readonly clock: NetworkClock;
  /** The demo parties came back from an earlier run (`network.json`). */
  readonly reused: boolean;
  /** Another customer at op-a with this much credit (tests run many). */
  newCustomer(creditLimitMinor: bigint): Promise<PartyCredentials>;
  /** Runs the MTAs' timer sweep now: what the clock says is due gets cleared and delivered. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole local network in this process (DESIGN §12): op-a (SEK) with the
 * customer, op-b (EUR) with the shop, real HTTP on 127.0.0.1 between all of
 * them. With a data dir, the demo customer and shop are kept in `network.json`
 * and reused on the next start.
 */
export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const clock = options.clock ?? createNetworkClock();
  const ports = await portsOf(options.basePort);
  const [opA, opB] = await startOperators({
    storage: options.storage,
    ports: { [CUSTOMER_OPERATOR.id]: ports.opA, [MERCHANT_OPERATOR.id]: ports.opB },
    clock,
    logLevel: options.logLevel ?? 'silent',
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(options.merchantAcquiringFee
      ? { fees: { [MERCHANT_OPERATOR.id]: options.merchantAcquiringFee } }
      : {}),
  });
  const closers: (() => Promise<void>)[] = [() => opA.node.close(), () => opB.node.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const dir = options.storage.kind === 'data-dir' ? options.storage.dir : undefined;
    const store = await openMerchantStore(dir === undefined ? undefined : join(dir, 'shop'));
    closers.push(() => store.close());
    const shop = await listenShop(HOST, ports.shop);
    closers.push(() => shop.close());
    const { state, reused } = await demoParties(dir, opA, opB, shop.endpointUrl);
    const merchant = createMerchant({
      merchantId: state.merchant.id,
      operatorId: MERCHANT_OPERATOR.id,
      mtaBaseUrl: opB.url,
      apiKey: state.merchant.apiKey,
      merchantKey: state.merchant.key,
      store: store.store,
      clock: clock.now,
    });
    shop.attach(merchant, {
      merchantId: state.merchant.id,
      operatorId: MERCHANT_OPERATOR.id,
      currency: MERCHANT_OPERATOR.currency,
    });
    let closing: Promise<void> | undefined;
    return {
      customerOperator: opA,
      merchantOperator: opB,
      shop,
      merchant,
      merchantCredentials: state.merchant,
      customer: state.customer,
      clock,
      reused,
      newCustomer: (creditLimitMinor) =>
        registerCustomer(opA, { displayName: 'Test customer', creditLimitMinor }),
      sweep: async () => {
        await sweep(opB);
        await sweep(opA);
      },
      close: () => {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function portsOf(basePort: number): Promise<{ opA: number; opB: number; shop: number }> {
  if (basePort === 0) {
    const [opA, opB, shop] = [await freePort(HOST), await freePort(HOST), await freePort(HOST)];
    return { opA, opB, shop };
  }
  return {
    opA: basePort + CUSTOMER_OPERATOR.portOffset,
    opB: basePort + MERCHANT_OPERATOR.portOffset,
    shop: basePort + SHOP_PORT_OFFSET,
  };
}

/**
 * The demo customer and shop: from `network.json` when they are still
 * registered (and the shop still listens where its operator calls it),
 * otherwise registered afresh and written down.
 */
async function demoParties(
  dir: string | undefined,
  opA: NetworkOperator,
  opB: NetworkOperator,
  endpointUrl: string,
): Promise<{ state: NetworkState; reused: boolean }> {
  const saved = dir === undefined ? undefined : await readNetworkState(dir);
  const customerKnown = saved && (await opA.node.parties.findParty(saved.customer.id))?.kind === 'customer';
  const merchantParty = saved && (await opB.node.parties.findParty(saved.merchant.id));
  const merchantKnown = merchantParty?.kind === 'merchant' && merchantParty.endpointUrl === endpointUrl;
  const customer =
    saved && customerKnown
      ? saved.customer
      : await registerCustomer(opA, {
          displayName: 'Demo customer',
          creditLimitMinor: CUSTOMER_CREDIT_MINOR,
        });
  const merchant =
    saved && merchantKnown
      ? saved.merchant
      : {
          ...(await registerMerchant(opB, { displayName: SHOP_NAME, endpointUrl })),
          endpointUrl,
        };
  const state = { customer, merchant };
  if (dir !== undefined && !(customerKnown && merchantKnown)) await writeNetworkState(dir, state);
  return { state, reused: Boolean(customerKnown && merchantKnown) };
}
