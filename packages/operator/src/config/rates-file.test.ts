import { resolve } from 'node:path';
import { generateSigningKey } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig } from './load.ts';

const base = { TALLY_OPERATOR_ID: 'op-a', TALLY_CURRENCY: 'SEK' };

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('rates file settings: TALLY_RATES_SOURCE, TALLY_RATES_PUBLISHER_KEY, TALLY_RATES_REFRESH_MS', () => {
  it('reads a URL or a path with the publisher key, and leaves the file out when unset', async () => {
    const { publicJwk } = await generateSigningKey('EdDSA');
    const key = JSON.stringify(publicJwk);
    const byUrl = loadConfig({
      ...base,
      TALLY_RATES_SOURCE: 'https://fx.example/rates.jws',
      TALLY_RATES_PUBLISHER_KEY: key,
    });
    expect(byUrl.ratesFile).toEqual({
      source: 'https://fx.example/rates.jws',
      publisherJwk: publicJwk,
      refreshMs: 60_000,
    });
    const byPath = loadConfig({
      ...base,
      TALLY_RATES_SOURCE: 'rates/today.jws',
      TALLY_RATES_PUBLISHER_KEY: key,
      TALLY_RATES_REFRESH_MS: '5000',
    });
    expect(byPath.ratesFile).toMatchObject({ source: resolve('rates/today.jws'), refreshMs: 5_000 });
    expect(loadConfig(base).ratesFile).toBeUndefined();
  });

  it('reads a windowed TALLY_RATES entry', () => {
    const config = loadConfig({
      ...base,
      TALLY_RATES: 'SEK/EUR=0.0874@2030-01-01T00:00:00Z/2030-01-02T00:00:00Z',
    });
    expect(config.rates).toEqual([
      {
        ...{ base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
        ...{ validFromMs: Date.UTC(2030, 0, 1), validUntilMs: Date.UTC(2030, 0, 2) },
      },
    ]);
  });

  it.each([
    [{ TALLY_RATES_SOURCE: '/tmp/r.jws' }, 'TALLY_RATES_PUBLISHER_KEY: is required with TALLY_RATES_SOURCE'],
    [{ TALLY_RATES_PUBLISHER_KEY: '{}' }, 'TALLY_RATES_SOURCE: is required with TALLY_RATES_PUBLISHER_KEY'],
    [{ TALLY_RATES_REFRESH_MS: '1000' }, 'TALLY_RATES_REFRESH_MS: is set without TALLY_RATES_SOURCE'],
    [
      { TALLY_RATES_SOURCE: 'ftp://x/r.jws', TALLY_RATES_PUBLISHER_KEY: '{}' },
      'TALLY_RATES_SOURCE: must be a file path or an http(s):// address',
    ],
    [
      { TALLY_RATES_SOURCE: '/r', TALLY_RATES_PUBLISHER_KEY: 'not json' },
      'TALLY_RATES_PUBLISHER_KEY: is not a JSON Web Key',
    ],
    [
      { TALLY_RATES_SOURCE: '/r', TALLY_RATES_PUBLISHER_KEY: '{"kty":"RSA","n":"x","e":"AQAB"}' },
      'TALLY_RATES_PUBLISHER_KEY: must be a P-256 (ES256) or Ed25519 (EdDSA) public key',
    ],
    [
      {
        TALLY_RATES_SOURCE: '/r',
        TALLY_RATES_PUBLISHER_KEY: '{"kty":"OKP","crv":"Ed25519","x":"a","d":"b"}',
      },
      'TALLY_RATES_PUBLISHER_KEY: holds a private key',
    ],
    [
      {
        TALLY_RATES_SOURCE: '/r',
        TALLY_RATES_PUBLISHER_KEY: '{"kty":"OKP","crv":"Ed25519","x":"a"}',
        TALLY_RATES_REFRESH_MS: '10',
      },
      'TALLY_RATES_REFRESH_MS: "10" is not a whole number of milliseconds in 1000-86400000',
    ],
  ])('refuses %j and names the setting', (env, message) => {
    expect(failure(env).message).toContain(message);
  });
});
