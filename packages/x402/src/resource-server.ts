import type { Merchant, VerifierOptions } from '@tallystick/merchant';
import { TALLY_SCHEMES, type TallyScheme } from '@tallystick/protocol';
import type { PaymentOption } from '@x402/core/http';
import type { x402ResourceServer } from '@x402/core/server';
import type { Network } from '@x402/core/types';
import { createTallyFacilitator, type TallyFacilitator } from './facilitator.ts';
import { tallyServerScheme } from './server.ts';

export interface TallyRoutePrice {
  /** Minor units of the merchant's currency. */
  readonly amountMinor: bigint;
  /** Names the item a voucher pays for (binds the payment to the route). */
  readonly sku?: string;
  readonly description?: string;
  readonly schemes?: readonly TallyScheme[];
}

export interface TallyServer {
  readonly facilitator: TallyFacilitator;
  readonly network: Network;
  /** Registers the Tallystick schemes on a stock resource server (built on `facilitator`). */
  register(server: x402ResourceServer): x402ResourceServer;
  /** A stock route's `accepts`: one payment option per Tallystick scheme. */
  accepts(price: TallyRoutePrice): PaymentOption[];
}

/**
 * Everything a stock x402 server needs to take Tallystick payments.
 *
 * @example
 * const tally = createTallyServer(merchant, { currency: 'SEK', unitPriceMinor: 10n });
 * const server = tally.register(new x402ResourceServer(tally.facilitator));
 * app.use(paymentMiddleware({ 'GET /weather': { accepts: tally.accepts({ amountMinor: 50n, sku: 'weather' }) } }, server));
 */
export function createTallyServer(
  merchant: Merchant,
  options: VerifierOptions & { readonly schemes?: readonly TallyScheme[] },
): TallyServer {
  const schemes = options.schemes ?? [TALLY_SCHEMES.voucher, TALLY_SCHEMES.payword];
  const facilitator = createTallyFacilitator(merchant, { ...options, schemes });
  const { network } = facilitator;
  return {
    facilitator,
    network,
    register(server) {
      for (const scheme of schemes) server.register(network, tallyServerScheme(scheme, facilitator));
      return server;
    },
    accepts(price) {
      return (price.schemes ?? schemes).map((scheme) => ({
        scheme,
        network,
        payTo: facilitator.merchantId,
        price: { asset: options.currency, amount: price.amountMinor.toString() },
        extra: {
          ...(price.sku !== undefined ? { sku: price.sku } : {}),
          ...(price.description !== undefined ? { description: price.description } : {}),
        },
      }));
    },
  };
}
