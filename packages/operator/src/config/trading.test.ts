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

describe('trading settings: TALLY_PEERS and TALLY_RATES', () => {
  it('reads peers and rates, and leaves both out when unset', () => {
    const config = loadConfig({
      ...base,
      TALLY_PEERS: 'op-b=http://127.0.0.1:7071, op-c=https://c.example',
      TALLY_RATES: 'SEK/EUR=0.0874,EUR/SEK=11.4',
    });
    expect(config.peers).toEqual([
      { id: 'op-b', baseUrl: 'http://127.0.0.1:7071' },
      { id: 'op-c', baseUrl: 'https://c.example' },
    ]);
    expect(config.rates).toEqual([
      { base: 'SEK', quote: 'EUR', numerator: 874n, denominator: 10_000n },
      { base: 'EUR', quote: 'SEK', numerator: 114n, denominator: 10n },
    ]);
    const plain = loadConfig({ ...base, TALLY_PEERS: '', TALLY_RATES: ' ' });
    expect(plain.peers).toBeUndefined();
    expect(plain.rates).toBeUndefined();
  });

  it.each([
    [{ TALLY_PEERS: 'op-b' }, 'TALLY_PEERS: "op-b" is not <operatorId>=<baseUrl>'],
    [{ TALLY_PEERS: 'op-a=http://x' }, 'TALLY_PEERS: names this operator (op-a) itself'],
    [{ TALLY_PEERS: 'op-b=http://x,op-b=http://y' }, 'TALLY_PEERS: names op-b twice'],
    [{ TALLY_PEERS: 'op-b=ftp://x' }, 'TALLY_PEERS: op-b: the address must be http(s)://'],
    [{ TALLY_RATES: 'SEK/EUR=zero' }, 'TALLY_RATES: "SEK/EUR=zero": rate_malformed'],
    [
      { TALLY_RATES: 'SEK:EUR=1' },
      'TALLY_RATES: "SEK:EUR=1" is not <BASE>/<QUOTE>=<decimal>[@<from>/<until>]',
    ],
  ])('refuses %j and names the setting', (env, message) => {
    expect(failure(env).message).toBe(message);
  });
});
