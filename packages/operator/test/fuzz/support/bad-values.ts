/** Bad values of a field, as raw JSON text: every one of them must be refused wherever that field is. */

const huge = (n: number) => JSON.stringify('x'.repeat(n));

/** Values of the wrong JSON type for a string field. */
export const NOT_A_STRING = ['null', 'true', '0', '-1', '1.5', '1e309', '[]', '{}', '["a"]', '{"a":1}'];

export const BAD_STRING = [...NOT_A_STRING, huge(5_000), '"\\u0000"', '"a\\u0000b"', '"\\ud800"'];

/** Amount fields: decimal strings of minor units, 1 .. 2^63-1. */
export const BAD_AMOUNT = [
  ...NOT_A_STRING,
  '100',
  '9223372036854775808',
  '"-1"',
  '"-0"',
  '"9223372036854775808"',
  '"18446744073709551616"',
  `"${'9'.repeat(40)}"`,
  `"${'9'.repeat(41)}"`,
  '"1e309"',
  '"1E3"',
  '"01"',
  '"1.5"',
  '"1,5"',
  '" 1"',
  '"1 "',
  '""',
  '"0x10"',
  '"١٢٣"',
  '"Infinity"',
  '"NaN"',
];

/** Amounts where zero is as wrong as a negative. */
export const BAD_POSITIVE_AMOUNT = [...BAD_AMOUNT, '"0"'];

export const BAD_CURRENCY = [
  ...NOT_A_STRING,
  '""',
  '"eur"',
  '"EURO"',
  '"EU"',
  '"XXX"',
  '"ZZZ"',
  '"€"',
  '"E\\u0000R"',
];

/** Ids a client chooses (transferId, requestId). */
export const BAD_CLIENT_ID = [
  ...NOT_A_STRING,
  '""',
  '"-starts-with-dash"',
  '"has space"',
  '"../../etc/passwd"',
  '"a\\u0000b"',
  `"${'a'.repeat(65)}"`,
  '"ünïcode"',
  '"\'; drop table parties; --"',
];

export const BAD_JWK = [
  ...NOT_A_STRING,
  '{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}',
  '{"kty":"EC","crv":"P-256","x":"not base64!"}',
  '{"kty":"RSA","crv":"P-256","x":"AAAA","n":"AAAA","e":"AQAB"}',
  '{"kty":"oct","crv":"x","x":"AAAA","k":"AAAA"}',
  '{"kty":"OKP","crv":"Ed25519","x":""}',
  '{"kty":"OKP","crv":"X25519","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}',
  '{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","d":"AAAA"}',
  '{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA"}',
  '{"kty":1,"crv":2,"x":3}',
  '{"kty":"OKP","crv":"Ed25519","x":"\\u0000"}',
  '{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","kid":"\\u0000"}',
  '{"__proto__":{"kty":"EC"},"crv":"P-256","x":"AAAA"}',
];

export const BAD_URL = [
  ...NOT_A_STRING,
  '""',
  '"not a url"',
  '"http://shop.example/tally"',
  '"ftp://shop.example/"',
  '"javascript:alert(1)"',
  '"https://"',
  '"file:///etc/passwd"',
  `"https://${'a'.repeat(3000)}.example/"`,
];

export const BAD_TIMESTAMP = [
  ...NOT_A_STRING,
  '""',
  '"yesterday"',
  '"2030-13-45T99:99:99Z"',
  '"1970-01-01T00:00:00Z"',
  '"+275760-09-13T00:00:01Z"',
];

export const BAD_INTEGER = [
  'null',
  'true',
  '"1"',
  '0',
  '-1',
  '1.5',
  '1e309',
  '9223372036854775808',
  '[]',
  '{}',
];

/** Path parameter values, sent as they are (not encoded): traversal, NUL, broken escapes. */
export const RAW_PARAMS = [
  '..',
  '.',
  '../',
  '..%2f',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '%00',
  'a%00b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  '%25',
  '%20',
  '~',
  'a;b',
  "a'b",
  'cus-aaaaaaaaaaaaaaaa',
  'test-op.1',
  'test-op.1.1',
  '9223372036854775808',
  'test-op.9223372036854775808',
  'test-op.99999999999999999999.1',
  'test-op.1.99999999999999999999',
  'test-op.0.0',
  'test-op.-1.1',
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(2_000),
];
