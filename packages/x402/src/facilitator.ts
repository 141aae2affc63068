import {
  createPaymentVerifier,
  type Merchant,
  PAYWALL_REFUSAL_MESSAGES,
  type PaywallRefusal,
  type Reserved,
  routeTermsOfRequirements,
  type VerifierOptions,
} from '@tallystick/merchant';
import {
  checkPaymentPayload,
  receiptToSettleResponse,
  TALLY_SCHEMES,
  type PaymentPayload as TallyPaymentPayload,
  type TallyScheme,
} from '@tallystick/protocol';
import type { FacilitatorClient } from '@x402/core/server';
import type {
  Network,
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
  SupportedResponse,
  VerifyResponse,
} from '@x402/core/types';

export interface TallyFacilitator extends FacilitatorClient {
  /** The stock server cancelled a verified payment (its handler failed): nothing is charged. */
  cancel(payload: PaymentPayload): void;
  readonly network: Network;
  readonly merchantId: string;
  readonly verifierOptions: VerifierOptions;
}

/**
 * An x402 facilitator that runs in the merchant's process: `verify` checks
 * the payment locally through the merchant SDK and reserves it, `settle`
 * (after the handler succeeded) charges it, `cancel` releases it. No
 * network call; pass it to a stock `x402ResourceServer`.
 */
export function createTallyFacilitator(
  merchant: Merchant,
  options: VerifierOptions & { readonly schemes?: readonly TallyScheme[] },
): TallyFacilitator {
  const verifier = createPaymentVerifier(merchant, options);
  const { terms } = verifier;
  const network = terms.network as Network;
  const schemes = options.schemes ?? [TALLY_SCHEMES.voucher, TALLY_SCHEMES.payword];
  const held = new Map<
    string,
    { readonly reserved: Reserved; readonly timer: ReturnType<typeof setTimeout> }
  >();

  const refusal = (reason: PaywallRefusal) => ({ reason, message: PAYWALL_REFUSAL_MESSAGES[reason] });
  const release = (key: string) => {
    const entry = held.get(key);
    if (!entry) return undefined;
    held.delete(key);
    clearTimeout(entry.timer);
    return entry.reserved;
  };

  async function reserve(payload: PaymentPayload, requirements: PaymentRequirements) {
    if (!checkPaymentPayload.Check(payload)) return refusal('payment_payload_invalid');
    const route = routeTermsOfRequirements(requirements);
    if (typeof route === 'string') return refusal(route);
    const reserved = await verifier.reserve(payload as TallyPaymentPayload, route);
    return typeof reserved === 'string' ? refusal(reserved) : reserved;
  }

  return {
    network,
    merchantId: terms.merchantId,
    verifierOptions: options,
    async verify(payload, requirements): Promise<VerifyResponse> {
      const reserved = await reserve(payload, requirements);
      if ('reason' in reserved)
        return { isValid: false, invalidReason: reserved.reason, invalidMessage: reserved.message };
      const key = keyOf(payload);
      release(key)?.cancel();
      const timer = setTimeout(() => release(key)?.cancel(), terms.maxTimeoutSeconds * 1000);
      timer.unref?.();
      held.set(key, { reserved, timer });
      return { isValid: true };
    },
    async settle(payload, requirements): Promise<SettleResponse> {
      const reserved = release(keyOf(payload)) ?? (await reserve(payload, requirements));
      const failed = (reason: PaywallRefusal) => ({
        success: false,
        errorReason: reason,
        errorMessage: PAYWALL_REFUSAL_MESSAGES[reason],
        transaction: '',
        network,
      });
      if ('reason' in reserved) return failed(reserved.reason);
      const settled = await reserved.settle();
      if (typeof settled === 'string') return failed(settled);
      return {
        ...receiptToSettleResponse({ ...settled, operatorId: terms.operatorId }),
        payer: settled.payer,
      } as SettleResponse;
    },
    async getSupported(): Promise<SupportedResponse> {
      return {
        kinds: schemes.map((scheme) => ({ x402Version: 2, scheme, network })),
        extensions: [],
        signers: {},
      };
    },
    cancel: (payload) => release(keyOf(payload))?.cancel(),
  };
}

function keyOf(payment: PaymentPayload): string {
  const p = (payment?.payload ?? {}) as Record<string, unknown>;
  return typeof p.voucher === 'string'
    ? p.voucher
    : `${String(p.transactionId)}:${String(p.index)}:${String(p.units)}`;
}
