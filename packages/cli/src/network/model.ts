/*
 * The local network (DESIGN §12, embedded): two operators in different
 * currencies, the customer at one and the demo shop at the other, so every
 * session crosses operators and currencies over real HTTP.
 */

export interface OperatorSpec {
  readonly id: string;
  readonly currency: string;
  /** What this operator, as an MTA, converts customers' deposits at (TALLY_RATES syntax). */
  readonly rates: string;
  /** Its port is the base port plus this. */
  readonly portOffset: number;
}

/** The customer's operator: its account manager holds the deposits. */
export const CUSTOMER_OPERATOR: OperatorSpec = {
  id: 'op-a',
  currency: 'SEK',
  // EUR/SEK for EUR customers at its shops; SEK/EUR for its own customers' currency table (shown prices).
  rates: 'EUR/SEK=11.44,SEK/EUR=0.0874',
  portOffset: 0,
};

/** The shop's operator: its mediating trusted agent converts and clears. */
export const MERCHANT_OPERATOR: OperatorSpec = {
  id: 'op-b',
  currency: 'EUR',
  rates: 'SEK/EUR=0.0874',
  portOffset: 1,
};

export const SHOP_PORT_OFFSET = 2;
export const HOST = '127.0.0.1';
export const BASE_PORT_DEFAULT = 7070;
export const DATA_DIR_DEFAULT = '.tally';
/** 1,000.00 SEK of credit for the demo customer. */
export const CUSTOMER_CREDIT_MINOR = 100_000n;
/** Most sessions one sweep clears, and most clearings it delivers: the MTA worker's own bounds. */
export const SWEEP_CLEARINGS_MAX = 100;
export const SWEEP_DELIVERIES_MAX = 20;

/** Where the operators keep their books. */
export type NetworkStorage =
  | { readonly kind: 'memory' }
  /** PGlite under `<dir>/op-a`, `<dir>/op-b`, the shop's under `<dir>/shop`. */
  | { readonly kind: 'data-dir'; readonly dir: string }
  /** One PostgreSQL database per operator (tests). */
  | { readonly kind: 'postgres'; readonly urlOf: (operatorId: string) => string };
