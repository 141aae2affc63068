import { AFFIRMATION_MESSAGE_TYPE } from '@tallystick/operator';
import { type SigningKey, signMessage } from '@tallystick/protocol';

/** A request as the customer's operator shows it to her; the charge only when the merchant is elsewhere. */
export interface ShownRequest {
  readonly id: string;
  readonly merchantId: string;
  readonly amountMinor: string;
  readonly currency: string;
  readonly itemsHash: string;
  readonly chargeMinor?: string;
  readonly chargeCurrency?: string;
}

/**
 * The customer's "second connection": she signs what she agrees to, the
 * figures she was shown (and, across operators, what she pays in her own
 * currency), addressed to her operator.
 */
export function signAffirmation(
  customer: { readonly id: string; readonly key: SigningKey },
  operatorId: string,
  shown: ShownRequest,
  nowMs: number,
): Promise<string> {
  return signMessage(customer.key, {
    mty: AFFIRMATION_MESSAGE_TYPE,
    iss: customer.id,
    aud: operatorId,
    nowMs,
    body: {
      requestId: shown.id,
      decision: 'affirm',
      amountMinor: shown.amountMinor,
      currency: shown.currency,
      merchantId: shown.merchantId,
      itemsHash: shown.itemsHash,
      ...(shown.chargeMinor !== undefined ? { chargeMinor: shown.chargeMinor } : {}),
      ...(shown.chargeCurrency !== undefined ? { chargeCurrency: shown.chargeCurrency } : {}),
    },
  });
}
