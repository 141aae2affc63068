import type { AddressInfo } from 'node:net';
import packageJson from '../package.json' with { type: 'json' };
import { resolveAdminToken } from './config/admin-token.ts';
import type { OperatorConfig } from './config/model.ts';
import { hostDerivedPasskeyWarning } from './config/passkeys.ts';
import { type Database, openDatabase } from './db/database.ts';
import { createOperatorDirectory } from './federation/directory.ts';
import { importOperatorPublicKey, loadOrCreateOperatorKey } from './federation/operator-key.ts';
import { createHttpApp, type HttpApp } from './http/app.ts';
import { registerHealthRoutes } from './http/health.ts';
import type { LedgerService } from './ledger/model.ts';
import { createLedgerService } from './ledger/service.ts';
import { startExpirySweeper } from './ledger/worker.ts';
import { registerAccountRoutes } from './parties/account-routes.ts';
import { createAccountsService } from './parties/accounts.ts';
import { sha256Hex } from './parties/credentials.ts';
import { ensureOperatorAccounts, type OperatorAccounts } from './parties/operator-accounts.ts';
import { createDatabaseReplayGuard, type DatabaseReplayGuard } from './parties/replay-guard.ts';
import { registerPartyRoutes } from './parties/routes.ts';
import { createPartiesService, type PartiesService } from './parties/service.ts';
import { startReplayPurger } from './parties/worker.ts';
import { type OperatorRates, wireRates } from './rates/wiring.ts';
import { startRatesRefresher } from './rates/worker.ts';
import { type RequestToPay, type RequestToPayOptions, wireRequestToPay } from './requests/wiring.ts';
import { createTradingSessions, type TradingSessions } from './trading/wiring.ts';
import { startWebhookLoop } from './webhooks/loop.ts';
import type { Worker } from './workers/periodic.ts';

/** Holds past their deadline are voided within about this long. */
export const EXPIRY_SWEEP_INTERVAL_MS = 1_000;
export const EXPIRY_SWEEP_BATCH_SIZE = 1_000;

export interface OperatorDeps {
  readonly config: Pick<
    OperatorConfig,
    | 'operatorId'
    | 'currency'
    | 'logLevel'
    | 'peers'
    | 'rates'
    | 'ratesFile'
    | 'acquiringFee'
    | 'billingWebhook'
    | 'passkeyRelyingParty'
  >;
  readonly db: Database;
  readonly adminToken: string;
  readonly clock?: () => Date;
  /** Where log lines go (tests read them); stdout when absent. */
  readonly logStream?: { write(line: string): void };
  /** Outgoing calls to peer operators and merchants (tests); the global fetch when absent. */
  readonly fetch?: typeof fetch;
  /** Merchant-initiated purchases (seed 000): PSD secret, webhook development flag. */
  readonly requestToPay?: RequestToPayOptions;
}

export interface Operator {
  readonly app: HttpApp;
  readonly ledger: LedgerService;
  readonly parties: PartiesService;
  readonly operatorAccounts: OperatorAccounts;
  readonly replayGuard: DatabaseReplayGuard;
  /** Trading sessions: the AM and MTA roles, and the billing records they write. */
  readonly trading: TradingSessions;
  readonly requestToPay: RequestToPay;
  /** The rate source, and the signed rates file provider when one is configured. */
  readonly rates: OperatorRates;
}

/** All wiring of an operator node in one place: services from their deps, routes from the services. */
export async function buildOperator(deps: OperatorDeps): Promise<Operator> {
  const { operatorId, currency } = deps.config;
  const clock = deps.clock ?? (() => new Date());
  const ledger = createLedgerService({ db: deps.db, clock });
  const operatorAccounts = await ensureOperatorAccounts(ledger, operatorId, currency);
  const parties = createPartiesService({
    db: deps.db,
    ledger,
    operatorId,
    currency,
    operatorAccounts,
    clock,
  });
  const accounts = createAccountsService({ db: deps.db, ledger, operatorAccounts });
  const replayGuard = createDatabaseReplayGuard(deps.db.kysely, clock);
  const auth = {
    adminTokenSha256: sha256Hex(deps.adminToken),
    authenticateApiKey: parties.authenticateApiKey,
  };

  const app = await createHttpApp({
    logLevel: deps.config.logLevel,
    title: `Tallystick operator ${operatorId}`,
    version: packageJson.version,
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });
  registerHealthRoutes(app, { db: deps.db, operatorId, currency });
  registerPartyRoutes(app, { parties, auth });
  registerAccountRoutes(app, {
    accounts,
    auth,
    signedTransfers: { parties, operatorId, replayGuard, clock },
  });
  const key = await loadOrCreateOperatorKey(deps.db.kysely, operatorId);
  const fetchOption = deps.fetch ? { fetch: deps.fetch } : {};
  const directory = createOperatorDirectory({
    self: { id: operatorId, key, verificationKey: await importOperatorPublicKey(operatorId, key.publicJwk) },
    peers: deps.config.peers ?? [],
    ...fetchOption,
  });
  const rates = await wireRates({ ...deps.config, clock, ...fetchOption }, app.log);
  const trading = createTradingSessions(
    {
      db: deps.db,
      ledger,
      parties,
      operatorId,
      currency,
      key,
      directory,
      rates: rates.source,
      tableCurrencies: rates.tableCurrencies,
      ...(deps.config.acquiringFee ? { acquiringFee: deps.config.acquiringFee } : {}),
      ...(deps.config.billingWebhook ? { billingWebhook: deps.config.billingWebhook } : {}),
      replayGuard,
      clock,
      ...fetchOption,
    },
    app.log,
  );
  trading.registerRoutes(app, auth);
  const requestToPay = await wireRequestToPay(app, {
    ...{ db: deps.db, ledger, parties, operatorId, currency, replayGuard, auth, clock },
    adminToken: deps.adminToken,
    ...(deps.requestToPay ? { options: deps.requestToPay } : {}),
    ...(deps.config.passkeyRelyingParty ? { passkeyRelyingParty: deps.config.passkeyRelyingParty } : {}),
    federation: { directory, key, rates: rates.source, ...fetchOption },
  });
  await app.ready();
  return { app, ledger, parties, operatorAccounts, replayGuard, trading, requestToPay, rates };
}

export interface OperatorNode extends Operator {
  /** `http://host:port`, with the port actually bound (config port 0 picks one). */
  readonly url: string;
  readonly db: Database;
  readonly adminToken: string;
  readonly adminTokenSource: 'configured' | 'generated' | 'persisted';
  /** Stops the workers, drains HTTP, closes the database; safe to call twice. */
  close(): Promise<void>;
}

export interface NodeOptions {
  readonly clock?: () => Date;
  readonly logStream?: { write(line: string): void };
  readonly fetch?: typeof fetch;
  readonly requestToPay?: RequestToPayOptions;
}

/** Opens the database (migrating it), wires the node, listens, and starts its background workers. */
export async function startOperatorNode(
  config: OperatorConfig,
  options: NodeOptions = {},
): Promise<OperatorNode> {
  const db = await openDatabase(config.database);
  let operator: Operator | undefined;
  try {
    // After the data dir lock is ours (openDatabase), so no two processes write the token file.
    const adminToken = await resolveAdminToken(config);
    operator = await buildOperator({ config, db, adminToken: adminToken.token, ...options });
    await operator.app.listen({ host: config.host, port: config.port });
    const passkeyWarning = hostDerivedPasskeyWarning(config);
    if (passkeyWarning) operator.app.log.warn(passkeyWarning);
    const workers: Worker[] = [
      startExpirySweeper({
        ledger: operator.ledger,
        intervalMs: EXPIRY_SWEEP_INTERVAL_MS,
        batchSize: EXPIRY_SWEEP_BATCH_SIZE,
        logger: operator.app.log,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
      startReplayPurger(operator.replayGuard, operator.app.log),
      operator.trading.startWorker(operator.app.log),
      startWebhookLoop(operator.requestToPay.webhooks, operator.app.log),
      startWebhookLoop(operator.requestToPay.relays, operator.app.log),
      ...(operator.trading.billingWebhooks
        ? [startWebhookLoop(operator.trading.billingWebhooks, operator.app.log)]
        : []),
      ...(operator.rates.provider
        ? [startRatesRefresher(operator.rates.provider, operator.app.log, operator.rates.refreshMs)]
        : []),
    ];
    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= closeNode(operator as Operator, db, workers);
      return closing;
    };
    return {
      ...operator,
      url: urlOf(config.host, operator.app.server.address() as AddressInfo),
      db,
      adminToken: adminToken.token,
      adminTokenSource: adminToken.source,
      close,
    };
  } catch (error) {
    await operator?.app.close();
    await db.close();
    throw error;
  }
}

async function closeNode(operator: Operator, db: Database, workers: readonly Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.stop()));
  await operator.app.close();
  await db.close();
}

/** A wildcard host is not an address to connect to; show the loopback one instead. */
function urlOf(host: string, address: AddressInfo): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
}
