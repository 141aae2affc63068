/**
 * Settlement between operators: the interop account `op.<self>.interop.<peer>.<cur>`
 * nets each operator pair and currency (debits: what the peer owes us; credits:
 * what we owe). A batch takes the clearings behind it up to a cut-off, both sides
 * sign their view, and the net moves from the interop account to the settlement
 * (nostro) account under one deterministic ledger id, so a resumed batch can
 * never book twice.
 */
export const SETTLEMENT_STATUSES = ['prepared', 'sent', 'acknowledged', 'settled'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];
export type SettlementRole = 'initiator' | 'responder';

/** Items per batch: keeps the signed statement well under the JWS size limit (64 KiB). */
export const SETTLEMENT_ITEMS_MAX = 400;
/** Batches advanced per `runAll` call (one per peer and currency at most). */
export const SETTLEMENT_PAIRS_MAX = 100;

export const STATEMENT_TYPE = 'tally.settlement.statement';
export const ACKNOWLEDGEMENT_TYPE = 'tally.settlement.acknowledgement';
export const SETTLE_NOTICE_TYPE = 'tally.settlement.settle';

export const SETTLEMENT_STATEMENT_PATH = '/v1/settlement/statements';
export const settleNoticePath = (batchId: string) =>
  `${SETTLEMENT_STATEMENT_PATH}/${encodeURIComponent(batchId)}/settle`;

export interface SettlementItem {
  readonly transactionId: string;
  /** In the view of whoever states it: positive when the other side owes the stater. */
  readonly amountMinor: bigint;
  readonly clearedAt: Date;
}

export interface SettlementBatch {
  readonly id: string;
  readonly role: SettlementRole;
  readonly peerOperatorId: string;
  readonly currency: string;
  readonly cutOff: Date;
  readonly status: SettlementStatus;
  /** This operator's view: positive when the peer owes us. */
  readonly netMinor: bigint;
  readonly itemCount: number;
  readonly statementJws: string | null;
  readonly acknowledgementJws: string | null;
  readonly ledgerTransferId: string | null;
}

/** What each side signs: its own view of the batch (amounts positive when the audience owes the issuer). */
export interface StatementBody {
  readonly batchId: string;
  readonly currency: string;
  readonly cutOff: string;
  readonly items: readonly { readonly transactionId: string; readonly amountMinor: bigint }[];
  readonly netMinor: bigint;
}

export interface SettleNoticeBody {
  readonly batchId: string;
  readonly currency: string;
  readonly netMinor: bigint;
}

/** Crash points a test can interrupt a run at (after the named effect, before the next). */
export type SettlementFaultPoint =
  | 'prepared'
  | 'sent'
  | 'peer_acknowledged'
  | 'acknowledged'
  | 'peer_settled';

export const SettlementLedgerIds = {
  /** The one booking of a batch on each side. */
  settle: (batchId: string, currency: string) => `stl.${batchId}.${currency}`,
};

export function settlementAccountId(operatorId: string, peerId: string, currency: string): string {
  return `op.${operatorId}.settlement.${peerId}.${currency}`;
}

export interface ReconciliationLine {
  readonly peerOperatorId: string;
  readonly currency: string;
  /** Interop account, debits minus credits posted: what the peer owes us now. */
  readonly interopNetMinor: bigint;
  readonly unbatchedNetMinor: bigint;
  /** Batched but not yet settled. */
  readonly inFlightNetMinor: bigint;
  readonly settledNetMinor: bigint;
  /** Settlement account, debits minus credits posted. */
  readonly settlementAccountNetMinor: bigint;
  /** interop - (unbatched + in flight): zero when the interop account is exactly the unsettled clearings. */
  readonly differenceMinor: bigint;
  /** settlement account - settled: zero when every settled batch was booked exactly once. */
  readonly settlementDifferenceMinor: bigint;
}
