import type { Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { BillingRecordsTable } from '../db/schema.ts';
import type { LedgerExecutor } from '../ledger/model.ts';
import { BILLING_EXPORT_RECORDS_MAX } from './export/model.ts';
import type { BillingRecord, BillingRecordInput } from './model.ts';
import { type BillingWebhookTarget, enqueueBillingWebhook } from './webhook/outbox.ts';

export interface BillingDeps {
  readonly db: Database;
  readonly clock: () => Date;
  /** Each new record is also queued for the billing system's webhook, in the record's transaction. */
  readonly webhook?: BillingWebhookTarget;
}

export interface BillingService {
  /**
   * Writes the record once: the same transaction and kind again keeps the
   * first (clearing is exactly once, so a second write is a replay). Pass the
   * caller's transaction so the record commits with the money movement.
   */
  record(input: BillingRecordInput, executor?: LedgerExecutor): Promise<void>;
  forTransaction(transactionId: string): Promise<readonly BillingRecord[]>;
  /** Records written at or after `since`, oldest first, at most `limit` (an export page). */
  listSince(since: Date, limit: number): Promise<readonly BillingRecord[]>;
}

export function createBillingService(deps: BillingDeps): BillingService {
  const kysely = deps.db.kysely;
  return {
    async record(input, executor) {
      if (input.amountMinor < 0n || input.feeMinor < 0n || input.feeMinor > input.amountMinor) {
        throw new Error(`assertion: billing amounts out of range for ${input.transactionId}`);
      }
      const write = async (trx: LedgerExecutor) => {
        const now = deps.clock();
        await insertRecord(trx, input, now);
        // A replay conflicts on the same dedupe id and queues nothing new.
        if (deps.webhook) await enqueueBillingWebhook(trx, deps.webhook, input, now);
      };
      if (executor || !deps.webhook) return write(executor ?? kysely);
      await kysely.transaction().execute(write);
    },
    async forTransaction(transactionId) {
      const rows = await kysely
        .selectFrom('billing_records')
        .selectAll()
        .where('transaction_id', '=', transactionId)
        .orderBy('kind')
        .execute();
      return rows.map(toRecord);
    },
    async listSince(since, limit) {
      const rows = await kysely
        .selectFrom('billing_records')
        .selectAll()
        .where('created_at', '>=', since)
        .orderBy('created_at')
        .orderBy('transaction_id')
        .orderBy('kind')
        .limit(Math.max(1, Math.min(limit, BILLING_EXPORT_RECORDS_MAX)))
        .execute();
      return rows.map(toRecord);
    },
  };
}

async function insertRecord(trx: LedgerExecutor, input: BillingRecordInput, now: Date): Promise<void> {
  await trx
    .insertInto('billing_records')
    .values({
      transaction_id: input.transactionId,
      kind: input.kind,
      party_id: input.partyId,
      amount_minor: input.amountMinor,
      currency: input.currency,
      rate_base: input.rate.base,
      rate_quote: input.rate.quote,
      rate_numerator: input.rate.numerator,
      rate_denominator: input.rate.denominator,
      fee_minor: input.feeMinor,
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(['transaction_id', 'kind']).doNothing())
    .execute();
}

function toRecord(row: Selectable<BillingRecordsTable>): BillingRecord {
  return {
    transactionId: row.transaction_id,
    kind: row.kind,
    partyId: row.party_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    rate: {
      base: row.rate_base,
      quote: row.rate_quote,
      numerator: row.rate_numerator,
      denominator: row.rate_denominator,
    },
    feeMinor: row.fee_minor,
    createdAt: row.created_at,
  };
}
