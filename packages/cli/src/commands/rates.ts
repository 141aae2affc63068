import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type RatesFileBody, signRatesFile } from '@tallystick/operator';
import { exportPrivateJwk, generateSigningKey, importSigningKey } from '@tallystick/protocol';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from '../io.ts';

/**
 * `tally rates keygen --out <key.json>`: a rates publisher's Ed25519 key (the
 * private JWK to the file, mode 0600; the public JWK, for an operator's
 * TALLY_RATES_PUBLISHER_KEY, to stdout).
 * `tally rates sign <rates.json> --key <key.json>`: the signed rates file (a
 * compact JWS, for TALLY_RATES_SOURCE) to stdout. The input is
 * `{ "ratesId": "…", "rates": [{ "base", "quote", "rate", "validFrom", "validUntil" }] }`.
 */
export async function rates(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { key: { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  const [sub, input, ...rest] = positionals;
  if (sub === 'keygen' && input === undefined) {
    if (!values.out) throw new UsageError('rates keygen needs --out <key.json>');
    const key = await generateSigningKey('EdDSA');
    const written = await writeFile(values.out, `${JSON.stringify(await exportPrivateJwk(key))}\n`, {
      mode: 0o600,
      flag: 'wx',
    }).catch((error: NodeJS.ErrnoException) => error);
    if (written instanceof Error) {
      io.err(
        `tally: ${values.out}: ${written.code === 'EEXIST' ? 'exists already (never overwritten)' : written.message}`,
      );
      return EXIT_FAILURE;
    }
    io.out(JSON.stringify(key.publicJwk));
    return EXIT_OK;
  }
  if (sub !== 'sign' || input === undefined || rest.length > 0)
    throw new UsageError('rates takes "keygen --out <key.json>" or "sign <rates.json> --key <key.json>"');
  if (!values.key) throw new UsageError('rates sign needs --key <key.json>');
  const key = await importSigningKey(JSON.parse(await readFile(values.key, 'utf8')));
  const body = JSON.parse(await readFile(input, 'utf8')) as RatesFileBody;
  try {
    io.out(await signRatesFile(key, body));
    return EXIT_OK;
  } catch (error) {
    io.err(`tally: ${input}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}
