import { type TProperties, Type } from 'typebox';
import {
  isSessionId,
  isTransactionId,
  MERCHANT_ID_PATTERN,
  OPERATOR_ID_PATTERN,
  SEQUENCE_MAX,
  SESSION_ID_PATTERN,
  TRANSACTION_ID_PATTERN,
} from '../ids/identity.ts';
import { PSEUDONYM_PATTERN } from '../ids/pseudonym.ts';
import { AMOUNT_MINOR_PATTERN, parseAmountMinor } from '../money/amount.ts';
import { isCurrency } from '../money/currency.ts';
import { RATE_TERM_PATTERN } from '../money/rate.ts';
import {
  EMBEDDED_JWS_CHARS_MAX,
  HASH_CHAIN_LENGTH_MAX,
  KID_LENGTH_MAX,
  OFFER_ID_LENGTH_MAX,
} from './limits.ts';

/*
 * Schema fragments shared by the trading-session messages. Amounts travel as
 * decimal strings of minor units and decode to bigint (codecs run only after
 * a strict check, see define.ts).
 */

/** Objects on the wire are closed: an unknown field is an error, not something to ignore in a signed body. */
export function strictObject<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

const toAmount = (wire: string): bigint => {
  const value = parseAmountMinor(wire);
  if (typeof value !== 'bigint') throw new Error(`decoding an unchecked amount: ${value}`);
  return value;
};
const fitsAmount = (wire: string) => typeof parseAmountMinor(wire) === 'bigint';
const amountTooLarge = () => 'must be at most 2^63 - 1 minor units';

/** A non-negative amount in minor units: `"0"`, `"1250"`. */
export const AmountMinorSchema = Type.Codec(
  Type.Refine(Type.String({ pattern: AMOUNT_MINOR_PATTERN }), fitsAmount, amountTooLarge),
)
  .Decode(toAmount)
  .Encode((value: bigint) => value.toString());

/** A strictly positive amount in minor units (deposits, unit prices). */
export const PositiveAmountMinorSchema = Type.Codec(
  Type.Refine(Type.String({ pattern: '^[1-9][0-9]{0,18}$' }), fitsAmount, amountTooLarge),
)
  .Decode(toAmount)
  .Encode((value: bigint) => value.toString());

export const CurrencySchema = Type.Refine(
  Type.String({ pattern: '^[A-Z]{3}$' }),
  isCurrency,
  () => 'is not a currency the network knows',
);

export const OperatorIdSchema = Type.String({ pattern: OPERATOR_ID_PATTERN });
export const MerchantIdSchema = Type.String({ pattern: MERCHANT_ID_PATTERN });
export const PseudonymSchema = Type.String({ pattern: PSEUDONYM_PATTERN });
export const SessionIdSchema = Type.Refine(
  Type.String({ pattern: SESSION_ID_PATTERN }),
  isSessionId,
  () => 'has a sequence number above 2^53 - 1',
);
export const TransactionIdSchema = Type.Refine(
  Type.String({ pattern: TRANSACTION_ID_PATTERN }),
  isTransactionId,
  () => 'has a sequence number above 2^53 - 1',
);
export const SequenceSchema = Type.Integer({ minimum: 1, maximum: SEQUENCE_MAX });
/** A sequence where 0 means "none yet". */
export const SequenceOrZeroSchema = Type.Integer({ minimum: 0, maximum: SEQUENCE_MAX });
export const TimestampMsSchema = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** SHA-256 as 64 lowercase hex digits. */
export const Sha256HexSchema = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** The merchant's own reference for the offer; opaque to operators. */
export const OfferIdSchema = Type.String({ pattern: `^[\\x21-\\x7e]{1,${OFFER_ID_LENGTH_MAX}}$` });
export const CompactJwsSchema = Type.String({
  maxLength: EMBEDDED_JWS_CHARS_MAX,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
});

/** 32 bytes in base64url: a P-256 coordinate or an Ed25519 public key. */
const KeyBytes32 = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });
const Kid = Type.String({ minLength: 1, maxLength: KID_LENGTH_MAX });

/** A public session key: P-256 (ES256) or Ed25519 (EdDSA). Closed objects, so private `d` is refused. */
export const PublicJwkSchema = Type.Union([
  strictObject({
    kty: Type.Literal('EC'),
    crv: Type.Literal('P-256'),
    x: KeyBytes32,
    y: KeyBytes32,
    kid: Type.Optional(Kid),
    alg: Type.Optional(Type.Literal('ES256')),
  }),
  strictObject({
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: KeyBytes32,
    kid: Type.Optional(Kid),
    alg: Type.Optional(Type.Literal('EdDSA')),
  }),
]);

const RateTermSchema = Type.Codec(Type.String({ pattern: RATE_TERM_PATTERN }))
  .Decode((wire: string) => BigInt(wire))
  .Encode((value: bigint) => value.toString());

/** See `Rate` in money/rate.ts: 1 `base` = numerator / denominator `quote`, exact. */
export const RateSchema = strictObject({
  base: CurrencySchema,
  quote: CurrencySchema,
  numerator: RateTermSchema,
  denominator: RateTermSchema,
});

/** A position in a PayWord chain: `w_index` pays units 1 … index. */
export const HashChainIndexSchema = Type.Integer({ minimum: 1, maximum: HASH_CHAIN_LENGTH_MAX });

/** The deepest preimage revealed: what a record clears a hash chain from. */
export const HashChainRevealSchema = strictObject({
  index: HashChainIndexSchema,
  preimageHex: Sha256HexSchema,
});

/**
 * PayWord commitment (DESIGN §5): root `w0 = H^n(seed)`, the unit price in
 * the merchant's currency as the offer states it, and the chain length n.
 */
export const HashChainCommitmentSchema = strictObject({
  rootHex: Sha256HexSchema,
  unitPriceMinor: PositiveAmountMinorSchema,
  lengthMax: Type.Integer({ minimum: 1, maximum: HASH_CHAIN_LENGTH_MAX }),
});
