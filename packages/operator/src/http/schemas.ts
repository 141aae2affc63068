import { AMOUNT_MAX_MINOR, AMOUNT_MINOR_PATTERN } from '@tallystick/protocol';
import { Type } from 'typebox';

/** Shared wire types. Amounts are decimal strings of minor units; a description doubles as the error hint. */
export const AmountMinor = Type.String({
  pattern: AMOUNT_MINOR_PATTERN,
  description: 'a decimal string of minor units, e.g. "1250" (no sign, decimals or leading zeros)',
});

/**
 * Accepts any digit string so an amount above 2^63 - 1 is refused as
 * `amount_overflow` by `parseAmountInput`, not as a pattern mismatch.
 */
export const AmountMinorInput = Type.String({
  pattern: '^(0|[1-9][0-9]*)$',
  maxLength: 40,
  description:
    'a decimal string of minor units, e.g. "1250" (no sign, decimals or leading zeros), at most 9223372036854775807',
});

/** Parses a value that already matched `AmountMinorInput`. */
export function parseAmountInput(wire: string): bigint | 'amount_overflow' {
  const value = BigInt(wire);
  return value > AMOUNT_MAX_MINOR ? 'amount_overflow' : value;
}

/** A signed balance may be negative on the operator's own accounts. */
export const SignedAmountMinor = Type.String({
  pattern: '^-?(0|[1-9][0-9]{0,19})$',
  description: 'a decimal string of minor units, may be negative',
});

export const CurrencyCode = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'an ISO 4217 alphabetic code, e.g. "EUR"',
});

export const Timestamp = Type.String({ format: 'date-time', description: 'an RFC 3339 timestamp' });

/**
 * An id the node made (`prq-...`, `prq-....t1`), as a path parameter: bounded
 * and printable, so a NUL or a control character is a 400 here and never
 * reaches the database (PostgreSQL text cannot hold NUL: it would be a 500).
 */
export function OpaqueId(maxLength: number) {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: '^[A-Za-z0-9._:-]+$',
    description: 'an id as the node returned it (letters, digits, ".", "_", ":" or "-")',
  });
}
