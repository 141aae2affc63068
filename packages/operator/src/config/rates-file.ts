import { resolve } from 'node:path';
import { algorithmOfJwk, type PublicJwk } from '@tallystick/protocol';
import { ConfigError } from './errors.ts';
import type { Environment } from './load.ts';

export const RATES_REFRESH_MS_DEFAULT = 60_000;
export const RATES_REFRESH_MS_MIN = 1_000;
export const RATES_REFRESH_MS_MAX = 24 * 60 * 60 * 1000;
const JWK_TEXT_LENGTH_MAX = 4_096;

/** Where signed rates come from, and whose signature they must carry. */
export interface RatesFileConfig {
  /** An absolute file path, or an http(s):// URL. */
  readonly source: string;
  /** The rates publisher's public key (P-256 or Ed25519 JWK). */
  readonly publisherJwk: PublicJwk;
  readonly refreshMs: number;
}

/**
 * `TALLY_RATES_SOURCE=https://treasury.example/rates.jws` (or a file path),
 * `TALLY_RATES_PUBLISHER_KEY={"kty":"OKP","crv":"Ed25519","x":"…"}` and
 * `TALLY_RATES_REFRESH_MS` (default 60000): a signed rates file polled into
 * memory. Both of the first two or neither; unset: `TALLY_RATES` only.
 */
export function readRatesFile(env: Environment): RatesFileConfig | undefined {
  const source = env.TALLY_RATES_SOURCE?.trim() || undefined;
  const keyText = env.TALLY_RATES_PUBLISHER_KEY?.trim() || undefined;
  if (source === undefined && keyText === undefined) {
    if (env.TALLY_RATES_REFRESH_MS?.trim())
      throw new ConfigError('TALLY_RATES_REFRESH_MS', 'is set without TALLY_RATES_SOURCE');
    return undefined;
  }
  if (source === undefined)
    throw new ConfigError('TALLY_RATES_SOURCE', 'is required with TALLY_RATES_PUBLISHER_KEY');
  if (keyText === undefined)
    throw new ConfigError(
      'TALLY_RATES_PUBLISHER_KEY',
      'is required with TALLY_RATES_SOURCE (the JWK that signs it)',
    );
  return { source: readSource(source), publisherJwk: readJwk(keyText), refreshMs: readRefreshMs(env) };
}

function readSource(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const protocol = URL.canParse(value) ? new URL(value).protocol : '';
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new ConfigError('TALLY_RATES_SOURCE', 'must be a file path or an http(s):// address');
    return value;
  }
  if (value.includes('\0')) throw new ConfigError('TALLY_RATES_SOURCE', 'is not a usable file path');
  return resolve(value);
}

function readJwk(text: string): PublicJwk {
  let jwk: unknown;
  try {
    jwk = text.length <= JWK_TEXT_LENGTH_MAX ? JSON.parse(text) : undefined;
  } catch {
    jwk = undefined;
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new ConfigError('TALLY_RATES_PUBLISHER_KEY', 'is not a JSON Web Key (JSON object)');
  if ('d' in jwk)
    throw new ConfigError('TALLY_RATES_PUBLISHER_KEY', 'holds a private key; give the public half');
  if (!algorithmOfJwk(jwk as PublicJwk))
    throw new ConfigError(
      'TALLY_RATES_PUBLISHER_KEY',
      'must be a P-256 (ES256) or Ed25519 (EdDSA) public key',
    );
  return jwk as PublicJwk;
}

function readRefreshMs(env: Environment): number {
  const text = env.TALLY_RATES_REFRESH_MS?.trim();
  if (!text) return RATES_REFRESH_MS_DEFAULT;
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= RATES_REFRESH_MS_MIN && value <= RATES_REFRESH_MS_MAX)) {
    throw new ConfigError(
      'TALLY_RATES_REFRESH_MS',
      `${JSON.stringify(text)} is not a whole number of milliseconds in ${RATES_REFRESH_MS_MIN}-${RATES_REFRESH_MS_MAX}`,
    );
  }
  return value;
}
