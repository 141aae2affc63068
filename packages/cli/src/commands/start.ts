import { parseArgs } from 'node:util';
import { loadConfig } from '@tallystick/operator';
import type { CliIo } from '../io.ts';
import { serveUntilSignal } from '../serve.ts';

export const LOCAL_OPERATOR_ID = 'local';
export const LOCAL_CURRENCY = 'EUR';
export const LOCAL_PORT = '7070';
export const LOCAL_DATA_DIR = '.tally/local';

/**
 * `tally start`: the embedded local network (DESIGN §12). For now one operator
 * node on PGlite in ./.tally/local; DATABASE_URL is ignored on purpose, the
 * local network never touches a shared database.
 */
export async function start(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { port: { type: 'string' }, memory: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const config = loadConfig(io.env, {
    operatorId: LOCAL_OPERATOR_ID,
    currency: LOCAL_CURRENCY,
    port: values.port ?? LOCAL_PORT,
    ...(values.memory ? { memory: true } : { dataDir: LOCAL_DATA_DIR }),
  });
  return serveUntilSignal(config, io);
}
