/**
 * A broken ledger invariant is a bug, not a business error: stop rather than
 * keep moving money on a wrong premise (TigerBeetle's TIGER_STYLE).
 */
export class LedgerInvariantError extends Error {
  override readonly name = 'LedgerInvariantError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new LedgerInvariantError(message);
}
