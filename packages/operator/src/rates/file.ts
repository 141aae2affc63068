import {
  JWS_BYTES_MAX,
  JwsVerifyError,
  type SigningKey,
  signMessage,
  type VerificationKey,
  verifyMessage,
} from '@tallystick/protocol';
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { RATES_FILE_ERROR_OF_JWS, type RatesFileError } from './errors.ts';
import type { QuotedRate } from './model.ts';
import { checkAgainstTable, quotedRate } from './table.ts';

/**
 * A signed rates file (what a treasury desk or a rates vendor publishes): a
 * compact JWS, ES256 or EdDSA only, `mty` `tally.rates`, signed by the
 * rates-publisher key the operator is configured with. Each rate carries its
 * validity window. The signature is verified before the payload is read.
 */
export const RATES_FILE_TYPE = 'tally.rates';
export const RATES_FILE_ISSUER = 'rates-publisher';
export const RATES_FILE_AUDIENCE = 'tally-operators';
/** A file signed longer ago than this (or this far in the future) is refused as stale: publishers re-sign daily. */
export const RATES_FILE_AGE_SECONDS_MAX = 7 * 24 * 60 * 60;
/** Fits comfortably in one JWS (`JWS_BYTES_MAX`). */
export const RATES_FILE_RATES_MAX = 256;
export const RATES_FILE_BYTES_MAX = JWS_BYTES_MAX;

const ISO_TIME =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2})$';

export const RatesFileBodySchema = Type.Object(
  {
    ratesId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }),
    rates: Type.Array(
      Type.Object(
        {
          base: Type.String({ pattern: '^[A-Z]{3}$' }),
          quote: Type.String({ pattern: '^[A-Z]{3}$' }),
          /** Decimal, exact: `"0.0874"` is 1 base = 0.0874 quote. */
          rate: Type.String({ maxLength: 40 }),
          validFrom: Type.String({ pattern: ISO_TIME }),
          validUntil: Type.String({ pattern: ISO_TIME }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: RATES_FILE_RATES_MAX },
    ),
  },
  { additionalProperties: false },
);
export type RatesFileBody = Static<typeof RatesFileBodySchema>;
const checkBody = Compile(RatesFileBodySchema);

/** A verified rates file, read into rates with windows. */
export interface RatesFile {
  readonly ratesId: string;
  readonly issuedAtMs: number;
  readonly rates: readonly QuotedRate[];
}

export interface RatesFileRefusal {
  readonly error: RatesFileError;
  readonly detail: string;
}

/** Signs a rates file; refuses a body the operator would refuse, so a publisher finds out first. */
export async function signRatesFile(key: SigningKey, body: RatesFileBody, nowMs?: number): Promise<string> {
  const read = readBody(body);
  if ('error' in read) throw new Error(`${read.error}: ${read.detail}`);
  return signMessage(key, {
    mty: RATES_FILE_TYPE,
    iss: RATES_FILE_ISSUER,
    aud: RATES_FILE_AUDIENCE,
    body,
    ...(nowMs !== undefined ? { nowMs } : {}),
  });
}

/**
 * Verifies a rates file against the publisher key, then reads it. Order:
 * size, JWS header and algorithm allowlist, key, signature, age; only then
 * the body. A file whose every rate has expired is refused too.
 */
export async function verifyRatesFile(
  compact: string,
  publisherKey: VerificationKey,
  nowMs: number,
): Promise<RatesFile | RatesFileRefusal> {
  let claims: Awaited<ReturnType<typeof verifyMessage>>;
  try {
    claims = await verifyMessage(compact.trim(), {
      expectedType: RATES_FILE_TYPE,
      audience: RATES_FILE_AUDIENCE,
      nowMs,
      clockSkewSecondsMax: RATES_FILE_AGE_SECONDS_MAX,
      resolveKey: async (kid) =>
        kid === publisherKey.kid ? { key: publisherKey, issuer: RATES_FILE_ISSUER } : undefined,
    });
  } catch (error) {
    if (error instanceof JwsVerifyError)
      return { error: RATES_FILE_ERROR_OF_JWS[error.code], detail: error.message };
    throw error;
  }
  const read = readBody(claims.body);
  if ('error' in read) return read;
  if (read.rates.every((rate) => (rate.validUntilMs ?? Infinity) <= nowMs)) {
    return { error: 'rates_file_expired', detail: `every rate of ${read.ratesId} ended before now` };
  }
  return { ...read, issuedAtMs: claims.iat * 1000 };
}

function readBody(body: unknown): Omit<RatesFile, 'issuedAtMs'> | RatesFileRefusal {
  if (!checkBody.Check(body))
    return { error: 'rates_file_malformed', detail: 'the body does not match the schema' };
  const rates: QuotedRate[] = [];
  for (const [i, entry] of body.rates.entries()) {
    const window = { validFromMs: Date.parse(entry.validFrom), validUntilMs: Date.parse(entry.validUntil) };
    if (!(window.validFromMs < window.validUntilMs))
      return { error: 'rates_file_malformed', detail: `rates.${i}: the window ends before it starts` };
    const rate = quotedRate(entry.base, entry.quote, entry.rate, window);
    if (typeof rate === 'string') return { error: 'rates_file_malformed', detail: `rates.${i}: ${rate}` };
    const clash = checkAgainstTable(rates, rate);
    if (clash) return { error: 'rates_file_malformed', detail: `rates.${i}: ${clash}` };
    rates.push(rate);
  }
  return { ratesId: body.ratesId, rates };
}
