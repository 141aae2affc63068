import {
  ADMIN_TOKEN_FILE,
  ConfigError,
  DataDirLockedError,
  DOCS_PATH,
  OPENAPI_PATH,
  type OperatorConfig,
  type OperatorNode,
  startOperatorNode,
} from '@tallystick/operator';
import { type CliIo, EXIT_FAILURE, EXIT_OK } from './io.ts';

/** A stuck shutdown must not hang the terminal: after this the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Starts a node, prints where it is, and runs until SIGINT/SIGTERM; returns the exit code. */
export async function serveUntilSignal(config: OperatorConfig, io: CliIo): Promise<number> {
  let node: OperatorNode;
  try {
    node = await startOperatorNode(config);
  } catch (error) {
    io.err(`tally: ${startFailure(error, config)}`);
    return EXIT_FAILURE;
  }
  printBanner(node, config, io);
  const signal = await io.stopSignal();
  io.out(`tally: ${signal} received, stopping operator ${config.operatorId}`);
  const timeout = setTimeout(() => {
    io.err(`tally: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting`);
    process.exit(EXIT_FAILURE);
  }, SHUTDOWN_TIMEOUT_MS);
  timeout.unref();
  await node.close();
  clearTimeout(timeout);
  return EXIT_OK;
}

/** One line a person can act on; a stack trace only for what we did not foresee. */
function startFailure(error: unknown, config: OperatorConfig): string {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) return error.message;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return `port ${config.port} on ${config.host} is already in use; pick another --port`;
  if (code === 'EACCES') return `not allowed to listen on ${config.host}:${config.port}`;
  if (code === 'ECONNREFUSED') return 'cannot reach the PostgreSQL server in DATABASE_URL';
  return `the operator node failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

function printBanner(node: OperatorNode, config: OperatorConfig, io: CliIo): void {
  const db = config.database;
  const storage =
    db.kind === 'memory'
      ? 'in memory (gone on exit)'
      : db.kind === 'pglite'
        ? `PGlite in ${db.dataDir}`
        : 'PostgreSQL';
  const token =
    node.adminTokenSource === 'configured'
      ? '(from TALLY_ADMIN_TOKEN)'
      : db.kind === 'pglite'
        ? `${node.adminToken}   (kept in ${db.dataDir}/${ADMIN_TOKEN_FILE})`
        : `${node.adminToken}   (new for this run)`;
  io.out(`Tallystick operator "${config.operatorId}" (${config.currency}) is running`);
  io.out(`  url:          ${node.url}`);
  io.out(`  docs:         ${node.url}${DOCS_PATH}`);
  io.out(`  openapi:      ${node.url}${OPENAPI_PATH}`);
  io.out(`  storage:      ${storage}`);
  io.out(`  admin token:  ${token}`);
  io.out('Press Ctrl+C to stop.');
}
