import { decodePaymentHeader, encodePaymentHeader } from '@tallystick/protocol';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader } from './node-codec.ts';

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
