/** What a command may touch of the process, passed in so commands stay testable. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
  /** Resolves with the signal's name on the first SIGINT or SIGTERM. */
  stopSignal(): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad command lines; the runner prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
