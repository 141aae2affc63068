export { WRAP_FETCH_DEFAULTS, type WrapFetchOptions } from './options.ts';
export { createSessionPool, type SessionPool } from './sessions.ts';
export {
  type ChosenTerms,
  chooseTerms,
  paymentRequiredOf,
  receiptOf,
  refusalOf,
  withPayment,
} from './terms.ts';
export { type PayingFetch, UNITS_SPENT_REASONS, wrapFetch } from './wrap-fetch.ts';
