import type { Selectable } from 'kysely';
import type { CreditLimitChangesTable } from '../db/schema.ts';
import type { PartyError } from './errors.ts';
import { applyTransfer } from './ledger-calls.ts';
import { LedgerIds } from './model.ts';
import { lockCustomer } from './repository.ts';
import type { PartiesDeps } from './service.ts';
import { inTransaction } from './transaction.ts';

export interface CreditLimitInput {
  readonly customerId: string;
  readonly creditLimitMinor: bigint;
  /** The caller's idempotency key: the same request again returns the first answer. */
  readonly requestId: string;
}

export interface CreditLimitChange {
  readonly customerId: string;
  readonly creditLimitMinor: bigint;
  readonly previousCreditLimitMinor: bigint;
  /** The ledger transfer that moved the difference; null when the limit did not change. */
  readonly transferId: string | null;
  readonly replayed: boolean;
}

/**
 * The limit is money in the customer's account, lent from the operator's
 * credit line (TigerBeetle's way): raising it moves the difference in, lowering
 * it moves the difference back out, which the customer's
 * debits-must-not-exceed-credits flag refuses once the money is spent.
 */
export async function setCreditLimit(
  deps: PartiesDeps,
  input: CreditLimitInput,
): Promise<CreditLimitChange | PartyError> {
  return inTransaction<CreditLimitChange, PartyError>(deps.db.kysely, async (trx) => {
    const customer = await lockCustomer(trx, input.customerId);
    if (!customer) return 'customer_not_found';
    const prior = await trx
      .selectFrom('credit_limit_changes')
      .selectAll()
      .where('customer_id', '=', customer.id)
      .where('request_id', '=', input.requestId)
      .executeTakeFirst();
    if (prior)
      return prior.credit_limit_minor === input.creditLimitMinor ? replayOf(prior) : 'request_id_reused';

    const previous = customer.creditLimitMinor;
    const delta = input.creditLimitMinor - previous;
    let transferId: string | null = null;
    if (delta !== 0n) {
      transferId = LedgerIds.creditLimit(customer.id, input.requestId);
      const creditLine = deps.operatorAccounts.creditLineAccountId;
      const moved = await applyTransfer(
        deps.ledger,
        {
          id: transferId,
          kind: 'single',
          debitAccountId: delta > 0n ? creditLine : customer.accountId,
          creditAccountId: delta > 0n ? customer.accountId : creditLine,
          amountMinor: delta > 0n ? delta : -delta,
          currency: customer.currency,
        },
        trx,
      );
      if (typeof moved === 'string') return moved === 'exceeds_credits' ? 'credit_limit_below_spent' : moved;
    }
    await trx
      .insertInto('credit_limit_changes')
      .values({
        customer_id: customer.id,
        request_id: input.requestId,
        credit_limit_minor: input.creditLimitMinor,
        previous_credit_limit_minor: previous,
        transfer_id: transferId,
      })
      .execute();
    await trx
      .updateTable('parties')
      .set({ credit_limit_minor: input.creditLimitMinor })
      .where('id', '=', customer.id)
      .execute();
    return {
      customerId: customer.id,
      creditLimitMinor: input.creditLimitMinor,
      previousCreditLimitMinor: previous,
      transferId,
      replayed: false,
    };
  });
}

function replayOf(row: Selectable<CreditLimitChangesTable>): CreditLimitChange {
  return {
    customerId: row.customer_id,
    creditLimitMinor: row.credit_limit_minor,
    previousCreditLimitMinor: row.previous_credit_limit_minor,
    transferId: row.transfer_id,
    replayed: true,
  };
}
