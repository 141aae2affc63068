import { type KeyResolver, type SigningKey, signMessage, verifyMessage } from '@tallystick/protocol';
import { verifiedOrCode } from '../mta/signed-errors.ts';
import type { SettlementError } from './errors.ts';
import {
  SETTLEMENT_ITEMS_MAX,
  type SettlementBatch,
  type SettlementItem,
  type SettleNoticeBody,
  type StatementBody,
} from './model.ts';

const AMOUNT = /^-?(0|[1-9][0-9]{0,18})$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The body one side signs: its own view of the batch. */
export function statementOf(batch: SettlementBatch, items: readonly SettlementItem[]): StatementBody {
  return {
    batchId: batch.id,
    currency: batch.currency,
    cutOff: batch.cutOff.toISOString(),
    items: items.map((item) => ({ transactionId: item.transactionId, amountMinor: item.amountMinor })),
    netMinor: batch.netMinor,
  };
}

/** The same batch seen from the other side: every amount and the net change sign. */
export function mirrored(body: StatementBody): StatementBody {
  return {
    ...body,
    items: body.items.map((item) => ({ transactionId: item.transactionId, amountMinor: -item.amountMinor })),
    netMinor: -body.netMinor,
  };
}

export function sameStatement(a: StatementBody, b: StatementBody): boolean {
  return (
    a.batchId === b.batchId &&
    a.currency === b.currency &&
    a.cutOff === b.cutOff &&
    a.netMinor === b.netMinor &&
    a.items.length === b.items.length &&
    a.items.every(
      (item, i) =>
        item.transactionId === b.items[i]?.transactionId && item.amountMinor === b.items[i]?.amountMinor,
    )
  );
}

export interface Signer {
  readonly key: SigningKey;
  readonly operatorId: string;
  readonly nowMs: () => number;
}

export function signStatement(
  signer: Signer,
  type: string,
  audience: string,
  body: StatementBody | SettleNoticeBody,
): Promise<string> {
  return signMessage(signer.key, {
    mty: type,
    iss: signer.operatorId,
    aud: audience,
    body,
    nowMs: signer.nowMs(),
  });
}

export interface Verified<B> {
  readonly issuer: string;
  readonly body: B;
}

type VerifyDeps = { readonly resolveKey: KeyResolver; readonly operatorId: string; readonly nowMs: number };

/** Signature, type, audience and time of a settlement message addressed to us; its body is still unparsed. */
function verifySettlementMessage(jws: string, type: string, deps: VerifyDeps) {
  return verifiedOrCode(() =>
    verifyMessage(jws, {
      resolveKey: deps.resolveKey,
      expectedType: type,
      audience: deps.operatorId,
      nowMs: deps.nowMs,
    }),
  );
}

/** Verifies a settlement message of `type` addressed to us, then parses its body. */
export async function verifyStatement(
  jws: string,
  type: string,
  deps: VerifyDeps,
): Promise<Verified<StatementBody> | SettlementError> {
  const claims = await verifySettlementMessage(jws, type, deps);
  if (typeof claims === 'string') return claims;
  const body = parseStatement(claims.body);
  return body ? { issuer: claims.iss, body } : 'settlement_statement_invalid';
}

export async function verifySettleNotice(
  jws: string,
  type: string,
  deps: VerifyDeps,
): Promise<Verified<SettleNoticeBody> | SettlementError> {
  const claims = await verifySettlementMessage(jws, type, deps);
  if (typeof claims === 'string') return claims;
  const b = claims.body as Record<string, unknown> | null;
  if (
    !b ||
    typeof b.batchId !== 'string' ||
    !ID.test(b.batchId) ||
    !isCurrency(b.currency) ||
    !isAmount(b.netMinor)
  ) {
    return 'message_body_invalid';
  }
  return {
    issuer: claims.iss,
    body: { batchId: b.batchId, currency: b.currency, netMinor: BigInt(b.netMinor) },
  };
}

/** Parse, don't trust: ids, amounts as decimal strings, a bounded item list, net = sum of items. */
export function parseStatement(raw: unknown): StatementBody | undefined {
  const b = raw as Record<string, unknown> | null;
  if (!b || typeof b !== 'object') return undefined;
  if (typeof b.batchId !== 'string' || !ID.test(b.batchId) || !isCurrency(b.currency)) return undefined;
  if (typeof b.cutOff !== 'string' || Number.isNaN(Date.parse(b.cutOff)) || !isAmount(b.netMinor))
    return undefined;
  if (!Array.isArray(b.items) || b.items.length > SETTLEMENT_ITEMS_MAX) return undefined;
  const items: { transactionId: string; amountMinor: bigint }[] = [];
  const seen = new Set<string>();
  for (const raw of b.items as unknown[]) {
    const item = raw as Record<string, unknown> | null;
    if (!item || typeof item.transactionId !== 'string' || item.transactionId.length > 200) return undefined;
    if (!isAmount(item.amountMinor) || seen.has(item.transactionId)) return undefined;
    seen.add(item.transactionId);
    items.push({ transactionId: item.transactionId, amountMinor: BigInt(item.amountMinor) });
  }
  const netMinor = BigInt(b.netMinor);
  if (items.reduce((sum, item) => sum + item.amountMinor, 0n) !== netMinor) return undefined;
  return { batchId: b.batchId, currency: b.currency, cutOff: b.cutOff, items, netMinor };
}

function isAmount(value: unknown): value is string {
  return typeof value === 'string' && AMOUNT.test(value);
}

function isCurrency(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value);
}
