import { ConfigError } from '@tallystick/operator';
import { billing } from './commands/billing.ts';
import { demo } from './commands/demo.ts';
import { operatorServe } from './commands/operator-serve.ts';
import { rates } from './commands/rates.ts';
import { start } from './commands/start.ts';
import { verify } from './commands/verify.ts';
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io.ts';
import { USAGE } from './usage.ts';

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** Commands by their words; the longest match wins, the rest are its arguments. */
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['start', start],
  ['demo', demo],
  ['operator serve', operatorServe],
  ['verify', verify],
  ['billing', billing],
  ['rates', rates],
]);

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  const words = [2, 1].map((n) => argv.slice(0, n).join(' ')).find((w) => COMMANDS.has(w));
  const command = words === undefined ? undefined : COMMANDS.get(words);
  if (!command || words === undefined)
    return usageError(io, `unknown command "${argv.slice(0, 2).join(' ')}"`);
  const args = argv.slice(words.split(' ').length);
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT_OK;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`tally: ${error.message}`);
      return EXIT_FAILURE;
    }
    if (error instanceof UsageError || isParseArgsError(error))
      return usageError(io, (error as Error).message);
    throw error;
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`tally: ${message}\n`);
  io.err(USAGE);
  return EXIT_USAGE;
}

/** node:util parseArgs reports unknown or malformed flags with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
