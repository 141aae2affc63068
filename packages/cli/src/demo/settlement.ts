import { ACKNOWLEDGEMENT_TYPE, STATEMENT_TYPE } from '@tallystick/operator';
import { importVerificationKey, type PublicJwk, verifyMessage } from '@tallystick/protocol';
import type { LocalNetwork } from '../network/network.ts';
import type { NetworkOperator } from '../network/operators.ts';
import { formatMoney } from './money.ts';
import type { Narrator } from './print.ts';

/** Where each operator publishes its keys (federation/directory.ts). */
const OPERATOR_DOCUMENT_PATH = '/.well-known/tally/operator.json';

/** One settlement batch as both operators booked it. Amounts are decimal strings of minor units. */
export interface SettlementBatchReport {
  readonly batchId: string;
  readonly currency: string;
  /** The initiator's state; `settled` after a complete run. */
  readonly state: string;
  /** The responder's copy of the same batch. */
  readonly peerState: string | null;
  readonly initiator: string;
  readonly responder: string;
  readonly itemCount: number;
  readonly transactionIds: readonly string[];
  /** Each side's view: positive when the other side owes it. */
  readonly netMinorByOperator: Readonly<Record<string, string>>;
  /** Who pays whom, how much, per currency. */
  readonly netAmounts: readonly { currency: string; payer: string; payee: string; amountMinor: string }[];
  /** Each side checked the other's signed view against its own books and found it the mirror of its own. */
  readonly statementVerifiedBy: readonly string[];
}

export interface ReconciliationReport {
  readonly operatorId: string;
  readonly peerOperatorId: string;
  readonly currency: string;
  readonly interopNetMinor: string;
  readonly unbatchedNetMinor: string;
  readonly inFlightNetMinor: string;
  readonly settledNetMinor: string;
  readonly settlementAccountNetMinor: string;
  readonly differenceMinor: string;
  readonly settlementDifferenceMinor: string;
}

export interface SettlementReport {
  readonly batches: readonly SettlementBatchReport[];
  /** Refusals from the run (none, normally). */
  readonly errors: readonly string[];
  readonly reconciliation: readonly ReconciliationReport[];
  /** Every difference on both operators is zero. */
  readonly reconciled: boolean;
}

/**
 * The end of the demo day: op-a nets its clearings with op-b into a batch
 * per currency and drives it prepared -> sent -> acknowledged -> settled
 * (settlement/lifecycle.ts); then both operators reconcile. The demo also
 * checks each signed view itself, under the keys each operator publishes.
 */
export async function settleAndReconcile(network: LocalNetwork, say: Narrator): Promise<SettlementReport> {
  const opA = network.customerOperator;
  const opB = network.merchantOperator;
  say.step(`Settlement: ${opA.spec.id} nets the day's clearings with ${opB.spec.id} and settles`);
  const results = await opA.node.trading.settlement.runAll();
  const batches: SettlementBatchReport[] = [];
  const errors: string[] = [];
  for (const result of results) {
    if (typeof result === 'string') {
      errors.push(result);
      continue;
    }
    const report = await batchReport(network, result.id);
    batches.push(report);
    describeBatch(say, report);
  }
  if (results.length === 0) say.detail('nothing to settle: no clearing moved money between the operators');
  for (const error of errors) say.detail(`settlement refused: ${error}`);
  const reconciliation = [...(await linesOf(opA)), ...(await linesOf(opB))];
  const reconciled = reconciliation.every(
    (l) => l.differenceMinor === '0' && l.settlementDifferenceMinor === '0',
  );
  say.step('Reconciliation: each operator compares its accounts with its clearings and batches');
  for (const line of reconciliation) {
    say.detail(
      `${line.operatorId} with ${line.peerOperatorId} in ${line.currency}: ` +
        `open position ${formatMoney(BigInt(line.interopNetMinor), line.currency)}, ` +
        `settled ${formatMoney(BigInt(line.settledNetMinor), line.currency)}, ` +
        `difference ${line.differenceMinor} / ${line.settlementDifferenceMinor}`,
    );
  }
  say.detail(`zero difference on both operators: ${reconciled ? 'yes' : 'NO'}`);
  return { batches, errors, reconciliation, reconciled };
}

async function batchReport(network: LocalNetwork, batchId: string): Promise<SettlementBatchReport> {
  const opA = network.customerOperator;
  const opB = network.merchantOperator;
  const mine = await opA.node.trading.settlement.batch(batchId);
  const theirs = await opB.node.trading.settlement.batch(batchId);
  if (!mine) throw new Error(`assertion: batch ${batchId} vanished`);
  const { batch, items } = mine;
  const ids = items.map((item) => item.transactionId).sort();
  const nowMs = network.clock.now().getTime();
  const verifiedByB =
    theirs !== undefined &&
    theirs.batch.netMinor === -batch.netMinor &&
    sameIds(
      ids,
      theirs.items.map((item) => item.transactionId),
    ) &&
    (await signedBy(opA, batch.statementJws, STATEMENT_TYPE, opB.spec.id, -batch.netMinor, nowMs));
  const verifiedByA = await signedBy(
    opB,
    batch.acknowledgementJws,
    ACKNOWLEDGEMENT_TYPE,
    opA.spec.id,
    batch.netMinor,
    nowMs,
  );
  const owed = batch.netMinor < 0n ? -batch.netMinor : batch.netMinor;
  const [payer, payee] = batch.netMinor < 0n ? [opA.spec.id, opB.spec.id] : [opB.spec.id, opA.spec.id];
  return {
    batchId,
    currency: batch.currency,
    state: batch.status,
    peerState: theirs?.batch.status ?? null,
    initiator: opA.spec.id,
    responder: opB.spec.id,
    itemCount: batch.itemCount,
    transactionIds: ids,
    netMinorByOperator: {
      [opA.spec.id]: String(batch.netMinor),
      [opB.spec.id]: String(theirs?.batch.netMinor ?? 'unknown'),
    },
    netAmounts: [{ currency: batch.currency, payer, payee, amountMinor: String(owed) }],
    statementVerifiedBy: [...(verifiedByB ? [opB.spec.id] : []), ...(verifiedByA ? [opA.spec.id] : [])],
  };
}

/**
 * Whether `jws` verifies under the key `issuer` publishes, is of `type`,
 * addressed to `audience`, and states `netMinor` (the audience's view mirrored).
 */
async function signedBy(
  issuer: NetworkOperator,
  jws: string | null,
  type: string,
  audience: string,
  netMinorForAudience: bigint,
  nowMs: number,
): Promise<boolean> {
  if (jws === null) return false;
  const document = (await (await fetch(`${issuer.url}${OPERATOR_DOCUMENT_PATH}`)).json()) as {
    keys: PublicJwk[];
  };
  // Operator key ids are `<operator>:<thumbprint>` as published; the imported key is matched by that id.
  const keys = await Promise.all(
    document.keys.map(async (jwk) => ({ kid: jwk.kid, key: await importVerificationKey(jwk) })),
  );
  try {
    const claims = await verifyMessage(jws, {
      expectedType: type,
      audience,
      nowMs,
      // The stored copy may be older than the freshness window of live messages: the signature is what counts here.
      clockSkewSecondsMax: 24 * 60 * 60,
      resolveKey: async (kid) => {
        const found = keys.find((k) => k.kid === kid);
        return found && { key: found.key, issuer: issuer.spec.id };
      },
    });
    const body = claims.body as { netMinor?: unknown };
    return typeof body.netMinor === 'string' && BigInt(body.netMinor) === -netMinorForAudience;
  } catch {
    return false;
  }
}

async function linesOf(op: NetworkOperator): Promise<ReconciliationReport[]> {
  return (await op.node.trading.settlement.reconciliation()).map((line) => ({
    operatorId: op.spec.id,
    peerOperatorId: line.peerOperatorId,
    currency: line.currency,
    interopNetMinor: String(line.interopNetMinor),
    unbatchedNetMinor: String(line.unbatchedNetMinor),
    inFlightNetMinor: String(line.inFlightNetMinor),
    settledNetMinor: String(line.settledNetMinor),
    settlementAccountNetMinor: String(line.settlementAccountNetMinor),
    differenceMinor: String(line.differenceMinor),
    settlementDifferenceMinor: String(line.settlementDifferenceMinor),
  }));
}

function describeBatch(say: Narrator, b: SettlementBatchReport): void {
  for (const net of b.netAmounts) {
    say.detail(
      `batch ${b.batchId}: ${b.itemCount} clearing(s); ${net.payer} pays ${net.payee} ` +
        `${formatMoney(BigInt(net.amountMinor), net.currency)}; ${b.initiator} ${b.state}, ${b.responder} ${b.peerState ?? 'unknown'}`,
    );
  }
  say.detail(
    `the signed statement was checked against its own books by: ${b.statementVerifiedBy.join(' and ') || 'nobody'}`,
  );
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  const sorted = [...b].sort();
  return a.length === sorted.length && a.every((id, i) => id === sorted[i]);
}
