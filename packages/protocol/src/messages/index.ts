/*
 * Trading-session messages (DESIGN §3), each a JWS (jws/) with a typed body:
 *
 *   tally.initiation          wallet -> customer's AM      customer account key
 *   tally.amended_initiation  customer's AM -> MTA         AM operator key
 *   tally.information         MTA -> merchant              MTA operator key
 *   tally.merchant_ack        merchant -> MTA              merchant key
 *   tally.mta_ack             MTA -> customer's AM         MTA operator key
 *   tally.session_ready       customer's AM -> wallet      AM operator key
 *   tally.voucher             wallet -> merchant           session key (iss: pseudonym)
 *   tally.terminate           wallet or merchant           session key or merchant key
 *   tally.customer_record     wallet -> AM -> MTA          session key, relayed unchanged
 *   tally.merchant_record     merchant -> MTA              merchant key
 *   tally.clearing            MTA -> each AM               MTA operator key
 *   tally.currency_table      customer's AM -> its wallets AM operator key (DESIGN §8)
 *
 * Every message but the initiation carries the transaction id in its body and
 * as the signed `txn` claim; `verifyTyped` checks they agree.
 */
export * from './acknowledgements.ts';
export * from './amended-initiation.ts';
export * from './checks.ts';
export * from './clearing.ts';
export * from './currency-table.ts';
export * from './define.ts';
export * from './errors.ts';
export * from './fields.ts';
export * from './information.ts';
export * from './initiation.ts';
export * from './limits.ts';
export * from './records.ts';
export * from './session-ready.ts';
export * from './terminate.ts';
export * from './types.ts';
export * from './voucher.ts';
