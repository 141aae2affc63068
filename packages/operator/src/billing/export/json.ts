import type { BillingRecord } from '../model.ts';
import type { BillingExporter } from './model.ts';

/** The wire form of a record: amounts and rate terms as decimal strings (STYLE: money on the wire). */
export function billingRecordWire(record: BillingRecord) {
  return {
    transactionId: record.transactionId,
    kind: record.kind,
    partyId: record.partyId,
    amountMinor: record.amountMinor.toString(),
    feeMinor: record.feeMinor.toString(),
    netMinor: (record.kind === 'deposit'
      ? record.amountMinor - record.feeMinor
      : record.amountMinor
    ).toString(),
    currency: record.currency,
    rate: {
      base: record.rate.base,
      quote: record.rate.quote,
      numerator: record.rate.numerator.toString(),
      denominator: record.rate.denominator.toString(),
    },
    createdAt: record.createdAt.toISOString(),
  };
}

export const jsonExporter: BillingExporter = {
  format: 'json',
  contentType: 'application/json',
  render: (records, context) =>
    `${JSON.stringify(
      {
        operatorId: context.operatorId,
        createdAt: context.now.toISOString(),
        records: records.map(billingRecordWire),
      },
      null,
      2,
    )}\n`,
};
