import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DataDirLockedError, LOG_LEVELS, type LogLevel } from '@tallystick/operator';
// The example's own code is what runs: `npm start` serves exactly what examples/paid-api shows.
import { type PaidApi, startPaidApi } from '../../../../examples/paid-api/api.ts';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';
import { printNetwork } from '../network/banner.ts';
import {
  BASE_PORT_DEFAULT,
  CUSTOMER_OPERATOR,
  DATA_DIR_DEFAULT,
  HOST,
  MERCHANT_OPERATOR,
  type NetworkStorage,
  SHOP_PORT_OFFSET,
} from '../network/model.ts';
import { type LocalNetwork, startLocalNetwork } from '../network/network.ts';
import { portProblem } from '../network/ports.ts';
import { SHUTDOWN_TIMEOUT_MS } from '../serve.ts';

const LOG_LEVEL_DEFAULT: LogLevel = 'warn';
/** The paid API (examples/paid-api, x402) listens on the base port plus this: after op-a, op-b and the shop. */
export const PAID_API_PORT_OFFSET = SHOP_PORT_OFFSET + 1;

/**
 * `tally start`: the embedded local network (DESIGN §12): op-a (SEK) with a
 * funded demo customer, op-b (EUR) with the demo shop and the paid API
 * (HTTP 402 / x402, on the shop's merchant), on PGlite under ./.tally, until Ctrl+C. DATABASE_URL is ignored on purpose: the local
 * network never touches a shared database.
 */
export async function start(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      'log-level': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const basePort = readBasePort(values.port);
  const logLevel = readLogLevel(values['log-level'] ?? io.env.LOG_LEVEL);
  if (values.memory && values['data-dir'] !== undefined) {
    throw new UsageError('--memory cannot be combined with --data-dir');
  }
  const storage: NetworkStorage = values.memory
    ? { kind: 'memory' }
    : { kind: 'data-dir', dir: resolve(values['data-dir'] ?? DATA_DIR_DEFAULT) };
  const taken = await takenPort(basePort);
  if (taken) {
    io.err(`tally: ${taken}; stop what uses it, or move the network with --port <n> (uses n to n+3)`);
    return EXIT_FAILURE;
  }
  let network: LocalNetwork | undefined;
  let paidApi: PaidApi;
  try {
    if (storage.kind === 'data-dir') await mkdir(storage.dir, { recursive: true });
    network = await startLocalNetwork({ storage, basePort, logLevel });
    paidApi = await startPaidApi(network.merchant, {
      currency: network.merchantOperator.spec.currency,
      host: HOST,
      port: basePort + PAID_API_PORT_OFFSET,
    });
  } catch (error) {
    await network?.close();
    io.err(`tally: ${startFailure(error)}`);
    return EXIT_FAILURE;
  }
  await printNetwork(io, network, storage, { paidApiUrl: paidApi.url });
  const signal = await io.stopSignal();
  io.out(`tally: ${signal} received, stopping the local network`);
  const timeout = setTimeout(() => {
    io.err(`tally: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting`);
    process.exit(EXIT_FAILURE);
  }, SHUTDOWN_TIMEOUT_MS);
  timeout.unref();
  await paidApi.close();
  await network.close();
  clearTimeout(timeout);
  return EXIT_OK;
}

function readBasePort(value: string | undefined): number {
  if (value === undefined) return BASE_PORT_DEFAULT;
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port + PAID_API_PORT_OFFSET <= 65_535)) {
    throw new UsageError(
      `--port: "${value}" is not a port (1-${65_535 - PAID_API_PORT_OFFSET}; the network uses it and the next three)`,
    );
  }
  return port;
}

function readLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return LOG_LEVEL_DEFAULT;
  const level = LOG_LEVELS.find((l) => l === value);
  if (!level) throw new UsageError(`--log-level: "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** The first of the network's ports someone else holds, as a sentence; checked before anything starts. */
async function takenPort(basePort: number): Promise<string | undefined> {
  const uses: [string, number][] = [
    [CUSTOMER_OPERATOR.id, basePort + CUSTOMER_OPERATOR.portOffset],
    [MERCHANT_OPERATOR.id, basePort + MERCHANT_OPERATOR.portOffset],
    ['the shop', basePort + SHOP_PORT_OFFSET],
    ['the paid API', basePort + PAID_API_PORT_OFFSET],
  ];
  for (const [what, port] of uses) {
    const problem = await portProblem(HOST, port);
    if (problem === 'EADDRINUSE') return `port ${port} (for ${what}) on ${HOST} is already in use`;
    if (problem !== undefined) return `cannot listen on ${HOST}:${port} (for ${what}): ${problem}`;
  }
  return undefined;
}

function startFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return `a port of the network was taken while it started; try again or use --port`;
  return `the local network failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
