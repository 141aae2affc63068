import { decodePaymentHeader, encodePaymentHeader } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader, PaymentHeaderDecoder } from './node-codec.ts';

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

describe('the hot-path header codec', () => {
  const cases: [string, string][] = [
    ['ASCII JSON', encodePaymentHeader({ x402Version: 2, payload: { preimage: 'ab'.repeat(32) } })],
    ['non-ASCII UTF-8', encodePaymentHeader({ x402Version: 2, description: 'Väder i Göteborg ☂' })],
    ['invalid UTF-8', b64(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))],
    ['base64url alphabet', b64('{"a":"??>>"}').replaceAll('/', '_').replaceAll('+', '-')],
    ['a character outside the alphabet', `${b64('{"a":1}').slice(0, -4)}*AAA`],
    ['whitespace', ` ${b64('{"a":1,"b":2}').slice(1)}`],
    ['padding inside', `${b64('{"a":1}').slice(0, 4)}=${b64('{"a":1}').slice(5)}`],
    ['not a multiple of 4', b64('{"a":1}').slice(0, -1)],
    ['JSON that is not an object', b64('[1,2]')],
    ['not JSON', b64('{"a":')],
    ['empty', ''],
    ['over 8 KB', b64(JSON.stringify({ a: 'x'.repeat(9_000) }))],
  ];
  it.each(cases)('answers as the protocol decoder does: %s', (_name, header) => {
    expect(decodeHeader(header)).toEqual(decodePaymentHeader(header));
  });

  it('encodes ASCII and non-ASCII JSON as base64 of its UTF-8', () => {
    for (const json of ['{"success":true,"transaction":"op-a.1.2"}', '{"d":"Väder ☂"}']) {
      expect(Buffer.from(encodeHeader(json), 'base64').toString('utf8')).toBe(json);
    }
  });
});

describe('the prefix-caching header decoder', () => {
  const accepted = { scheme: 'tally-payword', network: 'tally:op-a', amount: '5', extra: { sku: 'GET /a' } };
  const header = (payload: unknown, extra: Record<string, unknown> = {}) =>
    encodePaymentHeader({ x402Version: 2, accepted, ...extra, payload });
  // The whole base64 groups before the payload value: what the decoder learns.
  const prefixOf = (h: string) =>
    h.slice(0, Math.floor((Buffer.from(h, 'base64').indexOf('"payload":') + 10) / 3) * 4);
  // Headers that share the learned start but differ after it: each must decode exactly as the protocol decoder does.
  const known = header({ index: 1, preimage: 'ab'.repeat(32) });
  const base = prefixOf(known);
  const raw = (tail: string) => {
    const text = Buffer.from(known, 'base64').toString('latin1');
    const cut = text.indexOf('"payload":') + '"payload":'.length;
    return b64(text.slice(0, cut) + tail);
  };
  const cases: [string, string][] = [
    ['another payload', header({ index: 2, preimage: 'cd'.repeat(32) })],
    [
      'a hash-chain payload',
      header({ transactionId: 'op-a.1.2', index: 2, units: 1, preimage: 'cd'.repeat(32) }),
    ],
    [
      'a hash-chain payload with an upper-case preimage',
      header({ transactionId: 'op-a.1.2', index: 2, units: 1, preimage: 'CD'.repeat(32) }),
    ],
    ['a payload that is not an object', header('x')],
    ['a key after the payload', raw('{"index":3},"payload":7}')],
    ['a payload with a nested payload key', header({ payload: { payload: 1 } })],
    ['trailing whitespace', raw('{"index":4} }')],
    ['a truncated payload', raw('{"index":5')],
    ['a second closing brace', raw('{"index":6}}}')],
    ['non-ASCII in the payload', header({ note: 'Väder ☂' })],
    ['invalid UTF-8 in the payload', raw('{"a":"\xc3\x28"}')],
    ['garbage after the prefix', `${base}*AAA`],
    ['base64url after the prefix', `${base}${b64('{"a":"??>>"}').replaceAll('/', '_')}`],
    ['a different offer', header({ index: 1 }, { accepted: { ...accepted, amount: '6' } })],
    ['the same start, another version', header({ index: 1 }, { x402Version: 3 })],
  ];
  it.each(cases)('answers as the protocol decoder does after learning: %s', (_name, h) => {
    const decoder = new PaymentHeaderDecoder();
    expect(decoder.decode(known)).toEqual(decodePaymentHeader(known));
    expect(decoder.decode(h)).toEqual(decodePaymentHeader(h));
    expect(decoder.decode(h)).toEqual(decodePaymentHeader(h)); // also once it may have learned from h
  });

  it('shares the parsed start between payments, frozen', () => {
    const decoder = new PaymentHeaderDecoder();
    const a = decoder.decode(known) as Record<string, unknown>;
    const b = decoder.decode(header({ index: 2 })) as Record<string, unknown>;
    const c = decoder.decode(header({ index: 3 })) as Record<string, unknown>;
    expect(c.payload).toEqual({ index: 3 });
    expect(c.accepted).toBe(b.accepted);
    expect(Object.isFrozen(c.accepted)).toBe(true);
    expect(a.accepted).toEqual(accepted);
  });
});
