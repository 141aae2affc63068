import { generateSigningKey } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../http/client.ts';
import { createOperatorKeys } from './keys.ts';

async function operatorKey(operatorId: string) {
  const key = await generateSigningKey();
  return {
    ...key,
    kid: `${operatorId}:${key.kid}`,
    publicJwk: { ...key.publicJwk, kid: `${operatorId}:${key.kid}` },
  };
}

describe('operator keys', () => {
  it('accepts only keys whose kid binds them to the operator, and refetches unknown kids at most once per interval', async () => {
    const good = await operatorKey('op-a');
    const foreign = await operatorKey('op-x');
    const unbound = await generateSigningKey();
    let fetches = 0;
    let nowMs = 0;
    const http = createHttpClient({
      baseUrl: 'https://am.example',
      fetch: async () => {
        fetches++;
        return Response.json({
          operatorId: 'op-a',
          currency: 'SEK',
          keys: [good.publicJwk, foreign.publicJwk, unbound.publicJwk],
        });
      },
      timeoutMs: 1_000,
      retriesMax: 0,
      retryDelayMs: 1,
      responseBytesMax: 65_536,
    });
    const keys = createOperatorKeys({
      http,
      operatorId: 'op-a',
      refreshIntervalMs: 10_000,
      keysMax: 16,
      nowMs: () => nowMs,
    });
    expect((await keys.document()).currency).toBe('SEK');
    expect(await keys.resolveKey(good.kid)).toMatchObject({ issuer: 'op-a', key: { kid: good.kid } });
    expect(await keys.resolveKey(foreign.kid)).toBeUndefined(); // another operator's kid: not even fetched
    expect(await keys.resolveKey(`op-a:${unbound.kid}`)).toBeUndefined(); // published without the operator kid
    expect(fetches).toBe(1);
    nowMs = 10_000;
    expect(await keys.resolveKey('op-a:unknown')).toBeUndefined();
    expect(await keys.resolveKey('op-a:unknown')).toBeUndefined();
    expect(fetches).toBe(2);
  });
});
