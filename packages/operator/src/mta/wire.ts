import { JWS_BYTES_MAX, TRANSACTION_ID_PATTERN } from '@tallystick/protocol';
import { Type } from 'typebox';
import { AmountMinor, Timestamp } from '../http/schemas.ts';

/** The wire shapes of trading sessions at the MTA; the AM's views reuse the shared parts. */

export const CompactJws = Type.String({
  minLength: 1,
  maxLength: JWS_BYTES_MAX,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
  description: 'a compact JWS (docs/trading-sessions.md names who signs it)',
});

export const TransactionParams = Type.Object({
  transactionId: Type.String({
    pattern: TRANSACTION_ID_PATTERN,
    description: 'a transaction id "<amId>.<seq1>.<seq2>"',
  }),
});

export const AmendedInitiationRequest = Type.Object(
  { amendedInitiation: CompactJws },
  { additionalProperties: false },
);
export const MtaAckAnswer = Type.Object({ mtaAck: CompactJws });
export const RecordRequest = Type.Object({ record: CompactJws }, { additionalProperties: false });
export const RecordAnswer = Type.Object({
  status: Type.Union([Type.Literal('recorded'), Type.Literal('cleared')], {
    description: '"recorded": waiting for the other record or the timer; "cleared": this record completed it',
  }),
});

export const RateView = Type.Object({
  base: Type.String(),
  quote: Type.String(),
  numerator: Type.String(),
  denominator: Type.String(),
});

export const ClearingView = Type.Object({
  outcome: Type.String(),
  reason: Type.String(),
  voucherSeq: Type.Integer(),
  clearedMerchantMinor: AmountMinor,
  clearedCustomerMinor: AmountMinor,
  releasedCustomerMinor: AmountMinor,
  feeMinor: AmountMinor,
  clearedAt: Timestamp,
});

export const MtaTransactionView = Type.Object({
  transactionId: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('cleared')]),
  merchantId: Type.String(),
  pseudonym: Type.String(),
  offerId: Type.String(),
  depositMerchantMinor: AmountMinor,
  merchantCurrency: Type.String(),
  depositCustomerMinor: AmountMinor,
  customerCurrency: Type.String(),
  rate: RateView,
  expiresAt: Timestamp,
  records: Type.Object({ customer: Type.Boolean(), merchant: Type.Boolean() }),
  clearing: Type.Union([ClearingView, Type.Null()]),
});
