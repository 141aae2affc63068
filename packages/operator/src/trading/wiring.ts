import type { ReplayGuard, SigningKey } from '@tallystick/protocol';
import { createNodeFetch } from '@tallystick/protocol/node';
import type { FastifyBaseLogger } from 'fastify';
import { createMtaLink } from '../am/mta-link.ts';
import { registerAmRoutes } from '../am/routes.ts';
import { type AmService, createAmService } from '../am/service.ts';
import { registerBillingRoutes } from '../billing/routes.ts';
import { type BillingService, createBillingService } from '../billing/service.ts';
import type { BillingWebhookTarget } from '../billing/webhook/outbox.ts';
import { createBillingWebhookDispatcher } from '../billing/webhook/worker.ts';
import { CURRENCY_TABLE_VALIDITY_MS_DEFAULT } from '../currency-table/model.ts';
import { registerCurrencyTableRoutes } from '../currency-table/routes.ts';
import { createCurrencyTableService } from '../currency-table/service.ts';
import type { Database } from '../db/database.ts';
import type { OperatorDirectory } from '../federation/directory.ts';
import { registerOperatorDocumentRoute } from '../federation/routes.ts';
import type { AcquiringFee } from '../fees/model.ts';
import type { HttpApp } from '../http/app.ts';
import type { LedgerService } from '../ledger/model.ts';
import { createAmLink } from '../mta/am-link.ts';
import { registerMtaRoutes } from '../mta/routes.ts';
import { createMtaService, type MtaService } from '../mta/service.ts';
import { type MtaClearingWorker, startMtaClearingWorker } from '../mta/worker.ts';
import type { AuthDeps } from '../parties/auth.ts';
import type { PartiesService } from '../parties/service.ts';
import type { RateSource } from '../rates/model.ts';
import { registerSettlementRoutes } from '../settlement/routes.ts';
import { createSettlementService, type SettlementService } from '../settlement/service.ts';
import type { WebhookDispatcher } from '../webhooks/outbox-dispatcher.ts';

/** The largest answer read from a peer operator or a merchant endpoint (both read far less). */
const PEER_RESPONSE_BYTES_MAX = 1024 * 1024;

export interface TradingDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: PartiesService;
  readonly operatorId: string;
  readonly currency: string;
  readonly key: SigningKey;
  readonly directory: OperatorDirectory;
  readonly rates: RateSource;
  /** The merchant currencies this node's signed currency table quotes to its wallets (DESIGN §8); none when absent. */
  readonly tableCurrencies?: readonly string[];
  /** Kept by this node's MTA of each merchant credit; none when absent. */
  readonly acquiringFee?: AcquiringFee;
  /** Pushes every billing record there through the outbox; none when absent. */
  readonly billingWebhook?: BillingWebhookTarget;
  readonly replayGuard: ReplayGuard;
  readonly clock: () => Date;
  /** Outgoing calls to peers and merchants; node:http with keep-alive (`createNodeFetch`) when absent. */
  readonly fetch?: typeof fetch;
}

export interface TradingSessions {
  readonly am: AmService;
  readonly mta: MtaService;
  readonly billing: BillingService;
  /** The billing webhook's outbox sender, when one is configured: run it in `startWebhookLoop`. */
  readonly billingWebhooks: WebhookDispatcher | undefined;
  /** Settlement between operators (batches, signed statements, reconciliation). */
  readonly settlement: SettlementService;
  registerRoutes(app: HttpApp, auth: AuthDeps): void;
  startWorker(logger: FastifyBaseLogger): MtaClearingWorker;
}

/**
 * The trading-session payment method (seed FIG 2/3) on one node: the AM and
 * the MTA roles, each reaching the other through a link that is a function
 * call when both are this node and HTTP to the peer otherwise. They are built
 * in a cycle (the AM calls the MTA, the MTA delivers clearings to the AM), so
 * the links read the local service through a getter.
 */
export function createTradingSessions(deps: TradingDeps, log?: FastifyBaseLogger): TradingSessions {
  const billingWebhook = deps.billingWebhook;
  const billing = createBillingService({
    db: deps.db,
    clock: deps.clock,
    ...(billingWebhook ? { webhook: billingWebhook } : {}),
  });
  const billingWebhooks = billingWebhook
    ? createBillingWebhookDispatcher({
        db: deps.db.kysely,
        operatorId: deps.operatorId,
        key: deps.key,
        target: billingWebhook,
        clock: deps.clock,
      })
    : undefined;
  // Every session crosses several of these hops; undici's fetch costs about three times the CPU.
  const fetchOption = { fetch: deps.fetch ?? createNodeFetch({ responseBytesMax: PEER_RESPONSE_BYTES_MAX }) };
  const peer = (id: string) => deps.directory.peer(id);
  const common = {
    db: deps.db,
    ledger: deps.ledger,
    parties: deps.parties,
    billing,
    directory: deps.directory,
    operatorId: deps.operatorId,
    key: deps.key,
    clock: deps.clock,
    ...(log ? { log } : {}),
  };
  const mta: MtaService = createMtaService({
    ...common,
    rates: deps.rates,
    ...(deps.acquiringFee ? { acquiringFee: deps.acquiringFee } : {}),
    replayGuard: deps.replayGuard,
    am: createAmLink({ selfId: deps.operatorId, peer, local: () => am.inbound, ...fetchOption }),
    ...fetchOption,
  });
  const am: AmService = createAmService({
    ...common,
    mta: createMtaLink({ selfId: deps.operatorId, peer, local: () => mta.inbound, ...fetchOption }),
  });
  const settlement = createSettlementService({
    db: deps.db,
    ledger: deps.ledger,
    operatorId: deps.operatorId,
    key: deps.key,
    directory: deps.directory,
    clock: deps.clock,
    ...fetchOption,
    ...(log ? { log } : {}),
  });
  return {
    am,
    mta,
    billing,
    billingWebhooks,
    settlement,
    registerRoutes(app, auth) {
      registerOperatorDocumentRoute(app, {
        operatorId: deps.operatorId,
        currency: deps.currency,
        key: deps.key,
      });
      registerAmRoutes(app, { am: am, auth });
      registerMtaRoutes(app, { mta: mta, auth });
      registerBillingRoutes(app, { billing, operatorId: deps.operatorId, auth, clock: deps.clock });
      registerSettlementRoutes(app, { settlement, auth });
      registerCurrencyTableRoutes(app, {
        tables: createCurrencyTableService({
          ...{ operatorId: deps.operatorId, currency: deps.currency, key: deps.key, rates: deps.rates },
          quoteCurrencies: deps.tableCurrencies ?? [],
          validityMs: CURRENCY_TABLE_VALIDITY_MS_DEFAULT,
          clock: deps.clock,
        }),
      });
    },
    startWorker: (logger) => startMtaClearingWorker({ mta: mta, logger }),
  };
}
