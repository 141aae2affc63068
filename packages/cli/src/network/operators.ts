import { join } from 'node:path';
import {
  type Environment,
  generateAdminToken,
  type LogLevel,
  loadConfig,
  type OperatorConfig,
  type OperatorNode,
  startOperatorNode,
} from '@tallystick/operator';
import type { NetworkClock } from './clock.ts';
import {
  CUSTOMER_OPERATOR,
  HOST,
  MERCHANT_OPERATOR,
  type NetworkStorage,
  type OperatorSpec,
  SWEEP_CLEARINGS_MAX,
  SWEEP_DELIVERIES_MAX,
} from './model.ts';

export interface NetworkOperator {
  readonly spec: OperatorSpec;
  readonly node: OperatorNode;
  readonly url: string;
}

export interface OperatorsOptions {
  readonly storage: NetworkStorage;
  /** Port of each operator by id; 0 is not allowed here (peers must know each other's address). */
  readonly ports: Readonly<Record<string, number>>;
  readonly clock: NetworkClock;
  readonly logLevel: LogLevel;
  /** Where the nodes' log lines go; stdout when absent. */
  readonly logStream?: { write(line: string): void };
  /** TALLY_ACQUIRING_FEE by operator id; none when absent. */
  readonly fees?: Readonly<Record<string, string>>;
}

/** Each operator's configuration, read through the same `loadConfig` as `tally operator serve`. */
export function operatorConfig(spec: OperatorSpec, options: OperatorsOptions): OperatorConfig {
  const peers = [CUSTOMER_OPERATOR, MERCHANT_OPERATOR].filter((other) => other.id !== spec.id);
  const env: Environment = {
    TALLY_PEERS: peers.map((peer) => `${peer.id}=http://${HOST}:${portOf(peer, options)}`).join(','),
    TALLY_RATES: spec.rates,
    TALLY_ACQUIRING_FEE: options.fees?.[spec.id] ?? '',
    LOG_LEVEL: options.logLevel,
    ...(options.storage.kind === 'postgres'
      ? { DATABASE_URL: options.storage.urlOf(spec.id), TALLY_ADMIN_TOKEN: generateAdminToken() }
      : {}),
  };
  return loadConfig(env, {
    operatorId: spec.id,
    currency: spec.currency,
    host: HOST,
    port: String(portOf(spec, options)),
    ...(options.storage.kind === 'memory' ? { memory: true } : {}),
    ...(options.storage.kind === 'data-dir' ? { dataDir: join(options.storage.dir, spec.id) } : {}),
  });
}

/** Starts both operators, each knowing the other as its peer; if one fails, the other is stopped. */
export async function startOperators(options: OperatorsOptions): Promise<[NetworkOperator, NetworkOperator]> {
  const started = await Promise.allSettled(
    [CUSTOMER_OPERATOR, MERCHANT_OPERATOR].map((spec) => startOperator(spec, options)),
  );
  const [a, b] = started;
  if (a?.status === 'fulfilled' && b?.status === 'fulfilled') return [a.value, b.value];
  await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.node.close() : undefined)));
  const failed = started.find((s) => s.status === 'rejected');
  throw failed?.reason;
}

async function startOperator(spec: OperatorSpec, options: OperatorsOptions): Promise<NetworkOperator> {
  const node = await startOperatorNode(operatorConfig(spec, options), {
    clock: options.clock.now,
    // Every party of the local network listens on loopback, the shop's webhook endpoint too.
    requestToPay: { allowPrivateWebhookTargets: true },
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  return { spec, node, url: node.url };
}

/**
 * What the MTA's worker does on its next pass, now: clears the sessions whose
 * timer has run out (by the network clock) and delivers pending clearings.
 */
export async function sweep(operator: NetworkOperator): Promise<void> {
  await operator.node.trading.mta.clearDue(SWEEP_CLEARINGS_MAX);
  await operator.node.trading.mta.deliverDue(SWEEP_DELIVERIES_MAX);
}

function portOf(spec: OperatorSpec, options: OperatorsOptions): number {
  const port = options.ports[spec.id];
  if (port === undefined || port === 0) throw new Error(`assertion: no port for ${spec.id}`);
  return port;
}
