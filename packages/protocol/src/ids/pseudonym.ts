import { base64url } from 'jose';

/**
 * The name a customer trades under in one transaction (DESIGN §2). 128 random
 * bits, nothing derived from the customer, so merchants and MTAs cannot link
 * it to an account. 16 bytes are 22 base64url characters without padding.
 */
export const PSEUDONYM_PATTERN = '^psn_[A-Za-z0-9_-]{22}$';
const PSEUDONYM_RANDOM_BYTES = 16;
const pseudonymRegex = new RegExp(PSEUDONYM_PATTERN);

export function generatePseudonym(): string {
  return `psn_${base64url.encode(crypto.getRandomValues(new Uint8Array(PSEUDONYM_RANDOM_BYTES)))}`;
}

export function isPseudonym(value: unknown): value is string {
  return typeof value === 'string' && pseudonymRegex.test(value);
}
