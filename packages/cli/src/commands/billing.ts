import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN_FILE, BILLING_EXPORT_FORMATS, type BillingExportFormat } from '@tallystick/operator';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';

/** `tally start`'s layout: op-a on the base port, op-b on the next, data under ./.tally/<id>. */
const LOCAL_OPERATORS: Readonly<Record<string, number>> = { 'op-a': 0, 'op-b': 1 };
const PORT_BASE_DEFAULT = 7070;
const DATA_DIR_DEFAULT = '.tally';
const EXPORT_TIMEOUT_MS = 30_000;

/**
 * `tally billing export --operator <id> --since <time> --format csv|camt054|json
 * [--url <operator url>] [--data-dir <dir>]`: the operator's withdrawal and
 * deposit records, written to stdout. Admin token: TALLY_ADMIN_TOKEN, else the
 * operator's token file in <data-dir>/<id> (as `tally start` keeps it).
 */
export async function billing(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      operator: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
      url: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.join(' ') !== 'export') throw new UsageError('billing takes the subcommand "export"');
  const operatorId = values.operator;
  if (!operatorId) throw new UsageError('billing export needs --operator <id>');
  const format = BILLING_EXPORT_FORMATS.find((f) => f === values.format);
  if (!format) throw new UsageError(`--format must be one of ${BILLING_EXPORT_FORMATS.join(', ')}`);
  const since = new Date(values.since ?? '');
  if (!values.since || Number.isNaN(since.getTime())) throw new UsageError('--since needs an ISO time');
  const url = values.url ?? io.env.TALLY_OPERATOR_URL ?? localUrl(operatorId);
  if (!url) throw new UsageError(`--url is needed for ${operatorId} (not one of tally start's operators)`);
  const token =
    io.env.TALLY_ADMIN_TOKEN ??
    (await readToken(join(values['data-dir'] ?? DATA_DIR_DEFAULT, operatorId, ADMIN_TOKEN_FILE)));
  if (!token) {
    io.err(`tally: no admin token for ${operatorId}: set TALLY_ADMIN_TOKEN or --data-dir`);
    return EXIT_FAILURE;
  }
  return exportBilling(io, { url, token, since, format });
}

async function exportBilling(
  io: CliIo,
  request: { url: string; token: string; since: Date; format: BillingExportFormat },
): Promise<number> {
  const query = new URLSearchParams({ since: request.since.toISOString(), format: request.format });
  const response = await fetch(`${request.url}/v1/admin/billing/export?${query}`, {
    headers: { authorization: `Bearer ${request.token}` },
    signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) {
    io.err(`tally: ${request.url} does not answer: ${response.message}`);
    return EXIT_FAILURE;
  }
  const text = await response.text();
  if (response.status !== 200) {
    io.err(`tally: billing export failed (${response.status}): ${text}`);
    return EXIT_FAILURE;
  }
  io.out(text.trimEnd());
  return EXIT_OK;
}

function localUrl(operatorId: string): string | undefined {
  const offset = LOCAL_OPERATORS[operatorId];
  return offset === undefined ? undefined : `http://127.0.0.1:${PORT_BASE_DEFAULT + offset}`;
}

async function readToken(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}
