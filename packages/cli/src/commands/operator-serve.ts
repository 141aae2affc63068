import { parseArgs } from 'node:util';
import { loadConfig } from '@tallystick/operator';
import type { CliIo } from '../io.ts';
import { serveUntilSignal } from '../serve.ts';

export const SERVE_OPTIONS = {
  id: { type: 'string' },
  currency: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  memory: { type: 'boolean' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** `tally operator serve`: one operator node, configured by flags over the environment. */
export async function operatorServe(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: SERVE_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const config = loadConfig(io.env, {
    ...(values.id !== undefined ? { operatorId: values.id } : {}),
    ...(values.currency !== undefined ? { currency: values.currency } : {}),
    ...(values.port !== undefined ? { port: values.port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.memory !== undefined ? { memory: values.memory } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['log-level'] !== undefined ? { logLevel: values['log-level'] } : {}),
  });
  return serveUntilSignal(config, io);
}
