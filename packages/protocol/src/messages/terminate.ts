import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { defineMessage, type MessageAddress, signTyped } from './define.ts';
import { SequenceOrZeroSchema, strictObject, TransactionIdSchema } from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

export const TERMINATE_REASONS = ['customer_stop', 'merchant_stop', 'deposit_exhausted', 'timeout'] as const;
export type TerminateReason = (typeof TERMINATE_REASONS)[number];
export const TERMINATING_PARTIES = ['customer', 'merchant'] as const;
export type TerminatingParty = (typeof TERMINATING_PARTIES)[number];

/** Who may give each reason: the merchant starts clearing when the deposit is used up (seed). */
const REASON_PARTIES: { readonly [k in TerminateReason]: readonly TerminatingParty[] } = {
  customer_stop: ['customer'],
  merchant_stop: ['merchant'],
  deposit_exhausted: ['merchant'],
  timeout: ['customer', 'merchant'],
};

/**
 * Stops a trading session. From the wallet: signed by the session key
 * (iss: pseudonym, aud: merchant id). From the merchant: signed by its key
 * (iss: merchant id, aud: the MTA or the pseudonym).
 */
export const TerminateBodySchema = strictObject({
  transactionId: TransactionIdSchema,
  by: Type.Enum(TERMINATING_PARTIES),
  reason: Type.Enum(TERMINATE_REASONS),
  /** The last voucher seq the sender accepted or signed; 0 when none. */
  lastSeq: SequenceOrZeroSchema,
});

export const TerminateMessage = defineMessage({
  mty: MESSAGE_TYPES.terminate,
  schema: TerminateBodySchema,
  transactionOf: (body) => body.transactionId,
  check: (body) =>
    REASON_PARTIES[body.reason].includes(body.by)
      ? undefined
      : { field: 'reason', problem: `cannot be given by the ${body.by}` },
});
export type TerminateBody = StaticDecode<typeof TerminateBodySchema>;
export type TerminateWire = Static<typeof TerminateBodySchema>;

export function signTerminate(
  key: SigningKey,
  address: MessageAddress,
  body: TerminateBody,
): Promise<string> {
  return signTyped(key, TerminateMessage, address, body);
}
