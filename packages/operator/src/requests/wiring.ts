import type { ReplayGuard, SigningKey } from '@tallystick/protocol';
import type { Database } from '../db/database.ts';
import type { OperatorDirectory } from '../federation/directory.ts';
import { registerFulfilmentRoutes } from '../fulfilment/routes.ts';
import { createFulfilmentService, type FulfilmentService, WEBHOOK_KEY_LABEL } from '../fulfilment/service.ts';
import { registerFundingRoutes } from '../funding/routes.ts';
import { createFundingService, type FundingService } from '../funding/service.ts';
import type { HttpApp } from '../http/app.ts';
import type { LedgerService } from '../ledger/model.ts';
import { createAccountEnsurer } from '../mta/accounts.ts';
import type { AuthDeps } from '../parties/auth.ts';
import type { PartiesService } from '../parties/service.ts';
import type { RelyingParty } from '../passkeys/model.ts';
import { registerPasskeyRoutes } from '../passkeys/routes.ts';
import { createPasskeysService } from '../passkeys/service.ts';
import type { Psd } from '../psd/model.ts';
import { createSoftwarePsd } from '../psd/software.ts';
import type { RateSource } from '../rates/model.ts';
import type { WebhookDispatcher, WebhookFetch } from '../webhooks/outbox-dispatcher.ts';
import type { HostResolver } from '../webhooks/target.ts';
import { createWebhookDispatcher } from '../webhooks/worker.ts';
import { createRelayDispatcher, type RelayDispatcher } from './cross/relay.ts';
import { reverseRefusedAffirmation } from './cross/reversal.ts';
import { registerCrossRequestRoutes } from './cross/routes.ts';
import { createRequestEvents } from './events.ts';
import { registerRequestRoutes } from './routes.ts';
import { createRequestsService, type RequestsService } from './service.ts';

/** Settings of merchant-initiated purchases; all optional, production-safe defaults. */
export interface RequestToPayOptions {
  /** The software PSD's at-rest secret; defaults to the admin token (kept outside the database). */
  readonly psdSecret?: string;
  /** Development only: webhooks may go to loopback and private addresses. */
  readonly allowPrivateWebhookTargets?: boolean;
  readonly webhookFetch?: WebhookFetch;
  readonly resolveHost?: HostResolver;
}

export interface RequestToPay {
  readonly psd: Psd;
  readonly requests: RequestsService;
  readonly fulfilment: FulfilmentService;
  readonly funding: FundingService;
  readonly webhooks: WebhookDispatcher;
  /** Answers on their way to merchants' operators (cross-operator requests). */
  readonly relays: RelayDispatcher;
}

export interface RequestToPayDeps {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: PartiesService;
  readonly operatorId: string;
  readonly currency: string;
  readonly replayGuard: ReplayGuard;
  readonly auth: AuthDeps;
  readonly adminToken: string;
  readonly clock: () => Date;
  readonly options?: RequestToPayOptions;
  /** The configured WebAuthn relying party; each request's Host when absent. */
  readonly passkeyRelyingParty?: RelyingParty;
  /** Peers, the operator key and rates: request-to-pay across operators. */
  readonly federation?: {
    readonly directory: OperatorDirectory;
    readonly key: SigningKey;
    readonly rates: RateSource;
    readonly fetch?: typeof fetch;
  };
}

/** Seed 000 in one place: PSD, purchase requests, fulfilment, funding instruments, webhooks. */
export async function wireRequestToPay(app: HttpApp, deps: RequestToPayDeps): Promise<RequestToPay> {
  const { db, operatorId, currency, clock } = deps;
  const options = deps.options ?? {};
  const psd = await createSoftwarePsd({
    db: db.kysely,
    psdId: `${operatorId}/psd-1`,
    secret: options.psdSecret ?? deps.adminToken,
    kidPrefix: operatorId,
  });
  const feeAccountId = `op.${operatorId}.rtp-fees.${currency}`;
  const created = await deps.ledger.createAccounts([
    { id: feeAccountId, currency, kind: 'operator_fees', flags: 0 },
  ]);
  if (typeof created === 'string' || created.some((r) => !r.ok))
    throw new Error(`creating ${feeAccountId} failed`);
  const fulfilment = createFulfilmentService({ db: db.kysely, psd, operatorId, clock });
  const events = createRequestEvents();
  const federation = deps.federation;
  const cross = federation && {
    directory: federation.directory,
    key: federation.key,
    rates: federation.rates,
    ensureAccounts: createAccountEnsurer(deps.ledger),
    ...(federation.fetch ? { fetch: federation.fetch } : {}),
  };
  const relays = createRelayDispatcher({
    db: db.kysely,
    clock,
    onRefused: (outboxId, lastError) =>
      reverseRefusedAffirmation(
        { db: db.kysely, ledger: deps.ledger, operatorId, clock },
        outboxId,
        outboxId.replace(/\.answer$/, ''),
        lastError,
      ),
    ...(federation
      ? { directory: federation.directory }
      : {
          directory: { selfId: operatorId, peer: () => undefined, resolveOperatorKey: async () => undefined },
        }),
    ...(federation?.fetch ? { fetch: federation.fetch } : {}),
  });
  const requests = createRequestsService({
    db,
    ledger: deps.ledger,
    parties: deps.parties,
    operatorId,
    currency,
    feeAccountId,
    replayGuard: deps.replayGuard,
    events,
    clock,
    onAffirmed: async (request) => {
      await fulfilment.issue(request);
    },
    ...(cross ? { cross } : {}),
    relays,
  });
  const funding = createFundingService({ db: db.kysely, psd, clock });
  const webhooks = createWebhookDispatcher({
    db: db.kysely,
    operatorId,
    signer: () => psd.signer(WEBHOOK_KEY_LABEL),
    clock,
    allowPrivateTargets: options.allowPrivateWebhookTargets ?? false,
    ...(options.webhookFetch ? { fetch: options.webhookFetch } : {}),
    ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
  });
  registerRequestRoutes(app, { requests, events, auth: deps.auth });
  registerCrossRequestRoutes(app, { requests });
  registerPasskeyRoutes(app, {
    passkeys: createPasskeysService({ db: db.kysely, requests, operatorId, clock }),
    auth: deps.auth,
    ...(deps.passkeyRelyingParty ? { relyingParty: deps.passkeyRelyingParty } : {}),
  });
  registerFulfilmentRoutes(app, { fulfilment, requests, auth: deps.auth });
  registerFundingRoutes(app, { funding, auth: deps.auth });
  return { psd, requests, fulfilment, funding, webhooks, relays };
}
