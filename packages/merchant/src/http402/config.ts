import type { TallyScheme } from '@tallystick/protocol';
import type { VerifierOptions } from './verifier.ts';

/** A price in minor units of the merchant's currency. */
export interface Price {
  readonly amountMinor: bigint;
  readonly currency: string;
}

/** What a route's price function and the paywall see of a request. */
export interface PaywallRequest {
  readonly method: string;
  /** Path without the query, e.g. `/weather`. */
  readonly path: string;
  /** Absolute URL when known (`resource.url` of the 402), else the path. */
  readonly url: string;
  /** Values of `:name` segments of the matched route pattern. */
  readonly params: Readonly<Record<string, string>>;
  header(name: string): string | undefined;
}

export interface PaidRoute {
  /** Fixed, or computed per request (e.g. by size or query). */
  readonly price: Price | ((request: PaywallRequest) => Price | Promise<Price>);
  readonly description?: string;
  readonly mimeType?: string;
  /** The item a voucher pays for; defaults to the route key (`GET /weather`). */
  readonly sku?: string;
  /** Schemes offered for this route; defaults to the paywall's. */
  readonly schemes?: readonly TallyScheme[];
}

/** Keys are `METHOD /path` or `/path` (any method); `:name` matches one segment, a trailing `*` the rest. */
export type PaidRoutes = Readonly<Record<string, PaidRoute>>;

export interface PaywallOptions extends VerifierOptions {
  readonly routes: PaidRoutes;
  /** Default `['tally-voucher', 'tally-payword']`. */
  readonly schemes?: readonly TallyScheme[];
  /**
   * The hash-chain unit price. Default: the greatest common divisor of the
   * fixed route prices. A price that is not a multiple of it is offered with
   * vouchers only.
   */
  readonly unitPriceMinor?: bigint;
}
