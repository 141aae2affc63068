import type { ClearingBody, Rate } from '@tallystick/protocol';
import type { AmTransaction } from './model.ts';

/**
 * The customer's side must be exactly what was held, and the terms what the
 * MTA acknowledged. A transaction whose initiation failed here has no terms:
 * then the MTA's signature on its own rate is all there is, and it binds it.
 */
export function figuresFit(transaction: AmTransaction, body: ClearingBody): boolean {
  if (
    body.depositCustomerMinor !== transaction.depositMinor ||
    body.customerCurrency !== transaction.currency
  ) {
    return false;
  }
  if (body.clearedCustomerMinor + body.releasedCustomerMinor !== body.depositCustomerMinor) return false;
  const terms = transaction.terms;
  if (terms === null) return true;
  return (
    body.merchantCurrency === terms.merchantCurrency &&
    body.depositMerchantMinor === terms.depositMerchantMinor &&
    sameRate(body.rate, terms.rate)
  );
}

function sameRate(a: Rate, b: Rate): boolean {
  return (
    a.base === b.base && a.quote === b.quote && a.numerator === b.numerator && a.denominator === b.denominator
  );
}
