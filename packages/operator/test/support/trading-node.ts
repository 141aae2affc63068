import { generateSigningKey, type SigningKey } from '@tallystick/protocol';
import { sql } from 'kysely';
import { generateAdminToken } from '../../src/config/admin-token.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Database } from '../../src/db/database.ts';
import type { Account, LedgerService } from '../../src/ledger/model.ts';
import { CLEARINGS_PER_TICK_MAX, DELIVERIES_PER_TICK_MAX } from '../../src/mta/model.ts';
import { type OperatorNode, startOperatorNode } from '../../src/node.ts';
import type { PartiesService } from '../../src/parties/service.ts';
import type { TradingSessions } from '../../src/trading/wiring.ts';
import { createScratchPostgres } from './operator.ts';
import { freePort } from './ports.ts';
import type { TestClock } from './test-clock.ts';

export interface NodeSpec {
  readonly id: string;
  readonly currency: string;
  /** TALLY_RATES syntax. */
  readonly rates?: string;
  /** TALLY_ACQUIRING_FEE syntax, e.g. `10+150bps`. */
  readonly fee?: string;
}

export interface PartyHandle {
  readonly id: string;
  readonly accountId: string;
  readonly apiKey: string;
  readonly key: SigningKey;
}

export interface HttpAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field and compare them whole.
  readonly body: any;
}

export interface TradingNode {
  readonly id: string;
  readonly currency: string;
  readonly url: string;
  readonly adminToken: string;
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly parties: PartiesService;
  readonly trading: TradingSessions;
  /** One MTA worker pass now: clears due sessions, delivers due clearings. */
  readonly worker: { runOnce(): Promise<{ cleared: number; delivered: number }> };
  /** Real HTTP to this node, with an API key when given. */
  request(
    method: 'GET' | 'POST',
    path: string,
    options?: { apiKey?: string; body?: unknown },
  ): Promise<HttpAnswer>;
  /** A customer whose credit limit is all it may spend. */
  customer(creditLimitMinor: bigint): Promise<PartyHandle>;
  merchant(endpointUrl: string, key?: SigningKey): Promise<PartyHandle>;
  account(id: string): Promise<Account | undefined>;
  /** Posted balance, credits minus debits. */
  posted(accountId: string): Promise<bigint>;
  /** Sum of every account's posted and pending balance per currency: all zero, always (DESIGN §4). */
  sums(): Promise<Record<string, { posted: bigint; pending: bigint }>>;
  count(table: 'ledger_transfers' | 'billing_records' | 'mta_clearings' | 'am_clearings'): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts operator nodes (`startOperatorNode`, configured through `loadConfig`
 * like a real one) that know each other as peers, each on its own database
 * (in-memory PGlite, or a scratch PostgreSQL database with TEST_DATABASE_URL),
 * listening on 127.0.0.1 with real HTTP between them.
 */
export async function startTradingNodes(
  specs: readonly NodeSpec[],
  clock: TestClock,
): Promise<TradingNode[]> {
  const ports = await Promise.all(specs.map(() => freePort()));
  const peersOf = (i: number) =>
    specs.flatMap((other, j) => (j === i ? [] : [`${other.id}=http://127.0.0.1:${ports[j]}`])).join(',');
  return Promise.all(specs.map((spec, i) => startTradingNode(spec, ports[i] ?? 0, peersOf(i), clock)));
}

async function startTradingNode(
  spec: NodeSpec,
  port: number,
  peers: string,
  clock: TestClock,
): Promise<TradingNode> {
  const scratch = await createScratchPostgres();
  const env = {
    TALLY_OPERATOR_ID: spec.id,
    TALLY_CURRENCY: spec.currency,
    TALLY_PEERS: peers,
    TALLY_RATES: spec.rates ?? '',
    TALLY_ACQUIRING_FEE: spec.fee ?? '',
    LOG_LEVEL: testLogLevel(),
    ...(scratch ? { DATABASE_URL: scratch.url, TALLY_ADMIN_TOKEN: generateAdminToken() } : {}),
  };
  const config = loadConfig(env, {
    host: '127.0.0.1',
    port: String(port),
    ...(scratch ? {} : { memory: true }),
  });
  const node = await startOperatorNode(config, { clock: clock.now });
  return nodeHandle({ spec, node, drop: scratch?.drop });
}

function nodeHandle(n: {
  spec: NodeSpec;
  node: OperatorNode;
  drop: (() => Promise<void>) | undefined;
}): TradingNode {
  const { node } = n;
  const db = node.db;
  const register = async (
    kind: 'customer' | 'merchant',
    extra: { creditLimitMinor?: bigint; endpointUrl?: string; key?: SigningKey },
  ) => {
    const key = extra.key ?? (await generateSigningKey());
    const input = { displayName: `Test ${kind}`, publicJwk: key.publicJwk };
    const result =
      kind === 'customer'
        ? await node.parties.registerCustomer({ ...input, creditLimitMinor: extra.creditLimitMinor ?? 0n })
        : await node.parties.registerMerchant({ ...input, endpointUrl: extra.endpointUrl ?? '' });
    if (typeof result === 'string') throw new Error(`registration failed: ${result}`);
    return { id: result.party.id, accountId: result.party.accountId, apiKey: result.apiKey, key };
  };
  return {
    id: n.spec.id,
    currency: n.spec.currency,
    url: node.url,
    adminToken: node.adminToken,
    db,
    ledger: node.ledger,
    parties: node.parties,
    trading: node.trading,
    worker: {
      // The node's own worker runs too; a pass here just makes the test's timing deterministic.
      runOnce: async () => ({
        cleared: await node.trading.mta.clearDue(CLEARINGS_PER_TICK_MAX),
        delivered: await node.trading.mta.deliverDue(DELIVERIES_PER_TICK_MAX),
      }),
    },
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${node.url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    customer: (creditLimitMinor) => register('customer', { creditLimitMinor }),
    merchant: (endpointUrl, key) => register('merchant', { endpointUrl, ...(key ? { key } : {}) }),
    account: async (id) => (await node.ledger.lookupAccounts([id]))[0],
    async posted(accountId) {
      const account = (await node.ledger.lookupAccounts([accountId]))[0];
      return account ? account.creditsPostedMinor - account.debitsPostedMinor : 0n;
    },
    async sums() {
      const rows = await db.kysely.selectFrom('ledger_accounts').selectAll().execute();
      const sums: Record<string, { posted: bigint; pending: bigint }> = {};
      for (const row of rows) {
        const sum = sums[row.currency] ?? { posted: 0n, pending: 0n };
        sums[row.currency] = sum;
        sum.posted += row.credits_posted - row.debits_posted;
        sum.pending += row.credits_pending - row.debits_pending;
      }
      return sums;
    },
    async count(table) {
      const { rows } = await sql<{ n: bigint }>`select count(*) as n from ${sql.table(table)}`.execute(
        db.kysely,
      );
      return Number(rows[0]?.n ?? 0n);
    },
    async close() {
      await node.close();
      await n.drop?.();
    },
  };
}

function testLogLevel() {
  const level = process.env.TEST_LOG_LEVEL;
  return level === 'debug' || level === 'info' || level === 'warn' ? level : 'silent';
}
