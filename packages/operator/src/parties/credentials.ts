import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `tsk_<partyId>_<secret>`: the party id finds the row, the secret proves the caller. 256-bit secret. */
const API_KEY_PATTERN = /^tsk_((?:cus|mer)-[a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const API_KEY_SECRET_BYTES = 32;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newPartyId(prefix: string): string {
  const bytes = randomBytes(16);
  let id = '';
  for (let i = 0; i < 16; i++) id += BASE32[(bytes[i] ?? 0) & 31];
  return `${prefix}-${id}`;
}

export function newApiKey(partyId: string): string {
  return `tsk_${partyId}_${randomBytes(API_KEY_SECRET_BYTES).toString('base64url')}`;
}

/** The party id an API key claims, or undefined when it is not shaped like one of ours. */
export function partyIdOfApiKey(apiKey: string): string | undefined {
  return API_KEY_PATTERN.exec(apiKey)?.[1];
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares digests, not secrets, so neither length nor content leaks through timing. */
export function secretMatches(secret: string, expectedSha256Hex: string): boolean {
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  const expected = Buffer.from(expectedSha256Hex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
