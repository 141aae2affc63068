import { runCli } from './cli.ts';
import { type CliIo, EXIT_FAILURE } from './io.ts';

/** How long a finished command may take to let go of the event loop before we exit anyway. */
const EXIT_GRACE_MS = 2_000;

// Listen from the very start: a SIGTERM while the node is still starting stops it cleanly once up.
const stopped = new Promise<string>((resolve) => {
  const stop = (signal: NodeJS.Signals) => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    // A second signal while stopping means "now".
    process.once('SIGINT', () => process.exit(EXIT_FAILURE));
    process.once('SIGTERM', () => process.exit(EXIT_FAILURE));
    resolve(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});

const io: CliIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal: () => stopped,
};

let code: number;
try {
  code = await runCli(process.argv.slice(2), io);
} catch (error) {
  io.err(
    `tally: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  code = EXIT_FAILURE;
}
process.exitCode = code;
setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
