import { SESSION_ID_PATTERN } from '@tallystick/protocol';
import { Type } from 'typebox';
import { AmountMinor, Timestamp } from '../http/schemas.ts';
import { ClearingView, CompactJws, RateView } from '../mta/wire.ts';

/** The wire shapes of the AM role (docs/trading-sessions.md). */

export const SessionCreated = Type.Object({ sessionId: Type.String() });
export const SessionCreate = Type.Object({}, { additionalProperties: false });
export const SessionParams = Type.Object({
  sessionId: Type.String({ pattern: SESSION_ID_PATTERN, description: 'a session id "<amId>.<seq1>"' }),
});

export const InitiationRequest = Type.Object({ initiation: CompactJws }, { additionalProperties: false });
export const InitiationAnswer = Type.Object({ transactionId: Type.String(), sessionReady: CompactJws });

export const ClearingRequest = Type.Object({ clearing: CompactJws }, { additionalProperties: false });
export const ClearingAnswer = Type.Object({ transactionId: Type.String(), status: Type.Literal('applied') });

export const AmTransactionView = Type.Object({
  transactionId: Type.String(),
  sessionId: Type.String(),
  status: Type.Union([
    Type.Literal('initiating'),
    Type.Literal('open'),
    Type.Literal('failed'),
    Type.Literal('cleared'),
  ]),
  merchantId: Type.String(),
  merchantOperatorId: Type.String(),
  pseudonym: Type.String(),
  depositCustomerMinor: AmountMinor,
  customerCurrency: Type.String(),
  depositMerchantMinor: Type.Union([AmountMinor, Type.Null()]),
  merchantCurrency: Type.Union([Type.String(), Type.Null()]),
  rate: Type.Union([RateView, Type.Null()]),
  expiresAt: Timestamp,
  holdId: Type.String(),
  sessionReady: Type.Union([CompactJws, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why the initiation failed, when it did' }),
  clearing: Type.Union([ClearingView, Type.Null()]),
});
