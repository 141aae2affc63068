import type { ClearingBody } from '@tallystick/protocol';
import type { LedgerExecutor, TransferInput } from '../ledger/model.ts';
import { operatorAccount } from './accounts.ts';
import type { MtaContext } from './deps.ts';
import {
  feesAccountId,
  interopAccountId,
  liquidityAccountId,
  MtaLedgerIds,
  type MtaTransaction,
} from './model.ts';

/** The operator accounts a clearing of `transaction` books against. */
export function clearingAccounts(operatorId: string, transaction: MtaTransaction) {
  const { customerCurrency, merchantCurrency, amOperatorId } = transaction;
  return {
    interop: interopAccountId(operatorId, amOperatorId, customerCurrency),
    customerLiquidity: liquidityAccountId(operatorId, customerCurrency),
    merchantLiquidity: liquidityAccountId(operatorId, merchantCurrency),
    fees: feesAccountId(operatorId, merchantCurrency),
  };
}

export async function ensureClearingAccounts(ctx: MtaContext, transaction: MtaTransaction): Promise<void> {
  const ids = clearingAccounts(ctx.operatorId, transaction);
  await ctx.ensureAccounts([
    operatorAccount(ids.interop, transaction.customerCurrency, 'operator_interop'),
    operatorAccount(ids.customerLiquidity, transaction.customerCurrency, 'operator_liquidity'),
    operatorAccount(ids.merchantLiquidity, transaction.merchantCurrency, 'operator_liquidity'),
    operatorAccount(ids.fees, transaction.merchantCurrency, 'operator_fees'),
  ]);
}

/**
 * The MTA's side of a clearing in one ledger call, one linked chain (DESIGN
 * §4: exchange is two linked transfers through the liquidity accounts):
 *   interop.<am>.<customer cur> -> liquidity.<customer cur>   clearedCustomer
 *   liquidity.<merchant cur>    -> merchant                   clearedMerchant - fee
 *   liquidity.<merchant cur>    -> fees.<merchant cur>        fee (acquiring fee)
 * Zero legs are left out. Run inside the clearing's transaction.
 */
export async function bookClearing(
  ctx: MtaContext,
  executor: LedgerExecutor,
  transaction: MtaTransaction,
  merchantAccountId: string,
  body: ClearingBody,
): Promise<void> {
  const ids = clearingAccounts(ctx.operatorId, transaction);
  const legs: TransferInput[] = [];
  if (body.clearedCustomerMinor > 0n) {
    legs.push({
      id: MtaLedgerIds.acquire(transaction.id),
      kind: 'single',
      debitAccountId: ids.interop,
      creditAccountId: ids.customerLiquidity,
      amountMinor: body.clearedCustomerMinor,
      currency: transaction.customerCurrency,
    });
  }
  const netMerchantMinor = body.clearedMerchantMinor - body.feeMinor;
  if (netMerchantMinor > 0n) {
    legs.push({
      id: MtaLedgerIds.pay(transaction.id),
      kind: 'single',
      debitAccountId: ids.merchantLiquidity,
      creditAccountId: merchantAccountId,
      amountMinor: netMerchantMinor,
      currency: transaction.merchantCurrency,
    });
  }
  if (body.feeMinor > 0n) {
    legs.push({
      id: MtaLedgerIds.fee(transaction.id),
      kind: 'single',
      debitAccountId: ids.merchantLiquidity,
      creditAccountId: ids.fees,
      amountMinor: body.feeMinor,
      currency: transaction.merchantCurrency,
    });
  }
  if (legs.length === 0) return;
  const chain = legs.map((leg, i) => (i < legs.length - 1 ? { ...leg, linked: true } : leg));
  const results = await ctx.ledger.createTransfers(chain, { executor });
  if (typeof results === 'string') throw new Error(`assertion: clearing booking refused: ${results}`);
  const failed = results.find((result) => !result.ok);
  // Operator accounts are unlimited and a merchant account only takes credits: a failure here is a bug.
  if (failed && !failed.ok) throw new Error(`assertion: booking ${failed.id} failed: ${failed.error}`);
}
