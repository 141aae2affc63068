import {
  AMOUNT_MAX_MINOR,
  HASH_CHAIN_LENGTH_MAX,
  isCurrency,
  isMerchantId,
  isOperatorId,
  isValidPurchase,
  OFFER_ID_LENGTH_MAX,
  PURCHASE_COUNT_MAX,
  SESSION_TIMEOUT_SECONDS_MAX,
  SESSION_TIMEOUT_SECONDS_MIN,
} from '@tallystick/protocol';
import { TallyConfigError, TallySessionError } from '../errors.ts';
import type { Offer, OpenSessionOptions, PurchaseItem } from './model.ts';

const OFFER_ID = new RegExp(`^[\\x21-\\x7e]{1,${OFFER_ID_LENGTH_MAX}}$`);

/** Refuses before anything is signed or sent: the AM would refuse the same values with a 400. */
export function checkOffer(offer: Offer): void {
  const bad = (detail: string) => new TallyConfigError('offer_invalid', detail);
  if (!isMerchantId(offer?.merchantId)) throw bad('merchantId');
  if (!isOperatorId(offer.merchantOperatorId)) throw bad('merchantOperatorId');
  if (typeof offer.offerId !== 'string' || !OFFER_ID.test(offer.offerId)) throw bad('offerId');
  if (!isCurrency(offer.currency)) throw bad('currency');
}

export function checkOptions(options: OpenSessionOptions): void {
  const bad = (detail: string) => new TallyConfigError('options_invalid', detail);
  const { depositMinor, timeoutSeconds, purchaseCountExpected, onTerminate } = options ?? {};
  if (typeof depositMinor !== 'bigint' || depositMinor <= 0n || depositMinor > AMOUNT_MAX_MINOR) {
    throw bad('depositMinor must be a positive bigint');
  }
  if (
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < SESSION_TIMEOUT_SECONDS_MIN ||
    timeoutSeconds > SESSION_TIMEOUT_SECONDS_MAX
  ) {
    throw bad(
      `timeoutSeconds must be an integer in ${SESSION_TIMEOUT_SECONDS_MIN}..${SESSION_TIMEOUT_SECONDS_MAX}`,
    );
  }
  if (
    purchaseCountExpected !== undefined &&
    (!Number.isInteger(purchaseCountExpected) ||
      purchaseCountExpected < 1 ||
      purchaseCountExpected > PURCHASE_COUNT_MAX)
  ) {
    throw bad(`purchaseCountExpected must be an integer in 1..${PURCHASE_COUNT_MAX}`);
  }
  if (onTerminate !== undefined && typeof onTerminate !== 'function')
    throw bad('onTerminate must be a function');
  const chain = options.hashChain;
  if (chain !== undefined) {
    if (
      typeof chain.unitPriceMinor !== 'bigint' ||
      chain.unitPriceMinor <= 0n ||
      chain.unitPriceMinor > AMOUNT_MAX_MINOR
    ) {
      throw bad('hashChain.unitPriceMinor must be a positive bigint');
    }
    if (
      !Number.isInteger(chain.lengthMax) ||
      chain.lengthMax < 1 ||
      chain.lengthMax > HASH_CHAIN_LENGTH_MAX
    ) {
      throw bad(`hashChain.lengthMax must be an integer in 1..${HASH_CHAIN_LENGTH_MAX}`);
    }
  }
}

export function checkItem(item: PurchaseItem): void {
  const probe = {
    seq: 1,
    sku: item?.sku,
    description: item?.description,
    priceMinor: item?.priceMinor,
    atMs: 0,
  };
  if (!isValidPurchase(probe as Parameters<typeof isValidPurchase>[0]))
    throw new TallySessionError('item_invalid');
}
