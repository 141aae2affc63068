import { currencyExponent, TALLY_SCHEMES, type TallyScheme } from '@tallystick/protocol';
import type {
  AssetAmount,
  Network,
  PaymentRequirements,
  Price,
  SchemeNetworkServer,
  VerifiedPaymentCanceledContext,
} from '@x402/core/types';
import type { TallyFacilitator } from './facilitator.ts';
import { parseTallyPrice } from './price.ts';

/** The item a payment names when the route does not: vouchers are then bound to the price only. */
export const DEFAULT_SKU = 'x402';

/**
 * A Tallystick scheme for a stock `x402ResourceServer`: prices in the
 * merchant's currency (minor units), the offer fields a wallet needs in
 * `extra`, the authorization flow (verify before the handler, settle after
 * it), and cancellation back to the facilitator when the handler fails.
 */
export function tallyServerScheme(scheme: TallyScheme, facilitator: TallyFacilitator): SchemeNetworkServer {
  const { currency, offerId = 'x402', unitPriceMinor } = facilitator.verifierOptions;
  return {
    scheme,
    defaultAssetTransferMethod: 'default',
    paymentFlows: { default: { supported: ['authorization'], default: 'authorization' } },
    schemeHooks: {
      onVerifiedPaymentCanceled: async (ctx: VerifiedPaymentCanceledContext) => {
        facilitator.cancel(ctx.paymentPayload as Parameters<TallyFacilitator['cancel']>[0]);
      },
    },
    parsePrice: async (price: Price, _network: Network): Promise<AssetAmount> =>
      parseTallyPrice(price, currency),
    getAssetDecimals: (asset: string) => (asset === currency ? currencyExponent(currency) : undefined),
    async enhancePaymentRequirements(requirements: PaymentRequirements): Promise<PaymentRequirements> {
      const extra: Record<string, unknown> = { ...requirements.extra, offerId };
      if (typeof extra.sku !== 'string') extra.sku = DEFAULT_SKU;
      if (scheme === TALLY_SCHEMES.payword) {
        const amount = BigInt(requirements.amount);
        if (unitPriceMinor === undefined || amount <= 0n || amount % unitPriceMinor !== 0n) {
          throw new Error(
            `tallystick: ${requirements.amount} is not a multiple of the unit price ${unitPriceMinor}`,
          );
        }
        extra.unitPriceMinor = unitPriceMinor.toString();
        extra.units = Number(amount / unitPriceMinor);
      }
      return { ...requirements, extra };
    },
  };
}
