import {
  type AmendedInitiationBody,
  CLOCK_SKEW_SECONDS_MAX,
  type Rate,
  SESSION_TIMEOUT_SECONDS_MAX,
  toMerchantDeposit,
  type VerificationKey,
} from '@tallystick/protocol';
import type { Party } from '../parties/model.ts';
import type { MtaDeps } from './deps.ts';
import type { MtaError } from './errors.ts';
import { importSessionKey } from './keys.ts';

/** What the MTA agrees to for one amended initiation, before asking the merchant. */
export interface SessionTerms {
  readonly body: AmendedInitiationBody;
  readonly merchant: Party & { readonly endpointUrl: string };
  readonly sessionKey: VerificationKey;
  /** Customer currency (base) -> merchant currency (quote). */
  readonly rate: Rate;
  /** The customer's deposit converted, rounded down (money/convert.ts). */
  readonly depositMerchantMinor: bigint;
}

/** Latest expiry an AM may ask for: the longest session, plus the clock skew between the two operators. */
const EXPIRY_AHEAD_MS_MAX = (SESSION_TIMEOUT_SECONDS_MAX + CLOCK_SKEW_SECONDS_MAX) * 1000;

export async function sessionTerms(
  deps: Pick<MtaDeps, 'parties' | 'rates'>,
  body: AmendedInitiationBody,
  now: Date,
): Promise<SessionTerms | MtaError> {
  const aheadMs = body.expiresAtMs - now.getTime();
  if (aheadMs <= 0 || aheadMs > EXPIRY_AHEAD_MS_MAX) return 'expiry_invalid';
  const merchant = await deps.parties.findParty(body.merchantId);
  if (merchant?.kind !== 'merchant' || merchant.endpointUrl === null) return 'merchant_not_found';
  const sessionKey = await importSessionKey(body.sessionKey);
  if (typeof sessionKey === 'string') return sessionKey;
  const rate = deps.rates.rate(body.currency, merchant.currency, now);
  if (rate === undefined || rate.base !== body.currency || rate.quote !== merchant.currency) {
    return 'rate_unavailable';
  }
  const depositMerchantMinor = toMerchantDeposit(body.depositMinor, rate);
  if (depositMerchantMinor === 'amount_overflow') return 'amount_overflow';
  if (depositMerchantMinor === 0n) return 'deposit_too_small';
  return {
    body,
    merchant: { ...merchant, endpointUrl: merchant.endpointUrl },
    sessionKey,
    rate,
    depositMerchantMinor,
  };
}
