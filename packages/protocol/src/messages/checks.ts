import { parseTransactionId } from '../ids/identity.ts';
import { toMerchantDeposit } from '../money/convert.ts';
import type { Rate } from '../money/rate.ts';
import type { BodyProblem } from './define.ts';

/** The operator (customer's AM) that issued a transaction id. Only for ids the schema already checked. */
export function operatorOfTransaction(transactionId: string): string {
  const parts = parseTransactionId(transactionId);
  if (typeof parts === 'string') throw new Error(`operatorOfTransaction: ${parts}`);
  return parts.operatorId;
}

export function sessionOfTransaction(transactionId: string): string {
  const parts = parseTransactionId(transactionId);
  if (typeof parts === 'string') throw new Error(`sessionOfTransaction: ${parts}`);
  return parts.sessionId;
}

/** Session rates read customer currency (base) -> merchant currency (quote). */
export function checkRateDirection(
  rate: Rate,
  customerCurrency: string,
  merchantCurrency: string,
): BodyProblem | undefined {
  if (rate.base !== customerCurrency) return { field: 'rate.base', problem: 'must be the customer currency' };
  if (rate.quote !== merchantCurrency)
    return { field: 'rate.quote', problem: 'must be the merchant currency' };
  return undefined;
}

/** The merchant's deposit is the customer's, converted at `rate` and rounded down. */
export function checkMerchantDeposit(
  depositCustomerMinor: bigint,
  depositMerchantMinor: bigint,
  rate: Rate,
): BodyProblem | undefined {
  return toMerchantDeposit(depositCustomerMinor, rate) === depositMerchantMinor
    ? undefined
    : {
        field: 'depositMerchantMinor',
        problem: 'is not the customer deposit converted at the rate, rounded down',
      };
}
