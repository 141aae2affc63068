import { type Static, type StaticDecode, Type } from 'typebox';
import type { SigningKey } from '../jws/keys.ts';
import { type BodyProblem, defineMessage, type MessageAddress, signTyped } from './define.ts';
import { CurrencySchema, OperatorIdSchema, RateSchema, strictObject, TimestampMsSchema } from './fields.ts';
import { MESSAGE_TYPES } from './types.ts';

/** Most rates one currency table carries: one per merchant currency the operator quotes. */
export const CURRENCY_TABLE_RATES_MAX = 200;
export const CURRENCY_TABLE_ID_PATTERN = '^ct-[0-9a-z]{1,12}-[0-9a-f]{16}$';

/**
 * Customer's AM -> its wallets (iss and aud: the AM operator id; DESIGN §8,
 * seed 002 "currency table"). Each rate reads customer currency (base) ->
 * merchant currency (quote), the direction of the session-ready rate, so a
 * wallet shows `toCustomerCharge(price, rate)`: the same rounding-up rule
 * the charge obeys. Valid for `validFromMs <= now < validUntilMs`.
 */
export const CurrencyTableBodySchema = strictObject({
  tableId: Type.String({ pattern: CURRENCY_TABLE_ID_PATTERN }),
  operatorId: OperatorIdSchema,
  currency: CurrencySchema,
  validFromMs: TimestampMsSchema,
  validUntilMs: TimestampMsSchema,
  rates: Type.Array(RateSchema, { maxItems: CURRENCY_TABLE_RATES_MAX }),
});

export const CurrencyTableMessage = defineMessage({
  mty: MESSAGE_TYPES.currencyTable,
  schema: CurrencyTableBodySchema,
  check: (body, parties) => {
    if (body.operatorId !== parties.iss) return { field: 'operatorId', problem: 'is not the signer' };
    if (body.validUntilMs <= body.validFromMs)
      return { field: 'validUntilMs', problem: 'must be after validFromMs' };
    return checkTableRates(body.rates, body.currency);
  },
});
export type CurrencyTableBody = StaticDecode<typeof CurrencyTableBodySchema>;
export type CurrencyTableWire = Static<typeof CurrencyTableBodySchema>;

export function signCurrencyTable(
  key: SigningKey,
  address: MessageAddress,
  body: CurrencyTableBody,
): Promise<string> {
  return signTyped(key, CurrencyTableMessage, address, body);
}

function checkTableRates(rates: CurrencyTableBody['rates'], currency: string): BodyProblem | undefined {
  const quotes = new Set<string>();
  for (const [i, rate] of rates.entries()) {
    if (rate.base !== currency) return { field: `rates.${i}.base`, problem: 'must be the table currency' };
    if (quotes.has(rate.quote)) return { field: `rates.${i}.quote`, problem: 'is quoted twice' };
    quotes.add(rate.quote);
  }
  return undefined;
}
