import { JWS_BYTES_MAX } from '@tallystick/protocol';
import { type Static, Type } from 'typebox';
import {
  AmountMinor,
  AmountMinorInput,
  CurrencyCode,
  SignedAmountMinor,
  Timestamp,
} from '../http/schemas.ts';
import { LEDGER_ID_PATTERN } from '../ledger/model.ts';
import {
  CLIENT_ID_PATTERN,
  DISPLAY_NAME_LENGTH_MAX,
  ENDPOINT_URL_LENGTH_MAX,
  PARTY_ID_PATTERN,
  TRANSFER_PAGE_LIMIT_DEFAULT,
  TRANSFER_PAGE_LIMIT_MAX,
} from './model.ts';

/** The wire shapes of this domain, one schema each: validated in, serialised out, and documented. */

export const ClientId = Type.String({
  pattern: CLIENT_ID_PATTERN,
  description:
    'an id you choose and keep: 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
});
export const PartyId = Type.String({ pattern: PARTY_ID_PATTERN, description: 'a party id, e.g. "cus-..."' });
export const AccountId = Type.String({
  pattern: LEDGER_ID_PATTERN.source,
  description: 'an account id, e.g. "cus-abcdefghijklmnop.EUR"',
});

export const PublicJwk = Type.Object(
  {
    kty: Type.String({ maxLength: 8 }),
    crv: Type.String({ maxLength: 16 }),
    x: Type.String({ maxLength: 256 }),
  },
  {
    // Other members (y, kid, alg, use, WebCrypto's ext and key_ops, or a stray "d") are read by the
    // key check, which names what is wrong; only the canonical public members are stored.
    additionalProperties: true,
    maxProperties: 16,
    description: 'a public JWK: EC P-256 (ES256) or OKP Ed25519 (EdDSA)',
  },
);

const DisplayName = Type.String({ minLength: 1, maxLength: DISPLAY_NAME_LENGTH_MAX });

export const CustomerCreate = Type.Object(
  { displayName: DisplayName, publicJwk: PublicJwk, creditLimitMinor: Type.Optional(AmountMinorInput) },
  { additionalProperties: false },
);
export const MerchantCreate = Type.Object(
  {
    displayName: DisplayName,
    publicJwk: PublicJwk,
    endpointUrl: Type.String({
      maxLength: ENDPOINT_URL_LENGTH_MAX,
      description: 'an https URL (http only on a loopback address)',
    }),
  },
  { additionalProperties: false },
);
const registrationCommon = { accountId: Type.String(), keyId: Type.String(), apiKey: Type.String() };
export const CustomerCreated = Type.Object({
  customerId: Type.String(),
  ...registrationCommon,
  apiKey: Type.String({ description: 'Shown once; only its hash is kept.' }),
});
export const MerchantCreated = Type.Object({
  merchantId: Type.String(),
  ...registrationCommon,
  apiKey: Type.String({ description: 'Shown once; only its hash is kept.' }),
});

export const Me = Type.Object({
  partyId: Type.String(),
  kind: Type.Union([Type.Literal('customer'), Type.Literal('merchant')]),
  displayName: Type.String(),
  accountId: Type.String(),
  currency: Type.String(),
  keys: Type.Array(
    Type.Object({
      keyId: Type.String(),
      alg: Type.String(),
      publicJwk: Type.Record(Type.String(), Type.String()),
    }),
  ),
  endpointUrl: Type.Union([Type.String(), Type.Null()]),
  creditLimitMinor: AmountMinor,
  createdAt: Timestamp,
});

export const CustomerParams = Type.Object({ customerId: PartyId });
export const AccountParams = Type.Object({ accountId: AccountId });

export const CreditLimitUpdate = Type.Object(
  { creditLimitMinor: AmountMinorInput, requestId: ClientId },
  { additionalProperties: false },
);
export const CreditLimitResult = Type.Object({
  customerId: Type.String(),
  creditLimitMinor: AmountMinor,
  previousCreditLimitMinor: AmountMinor,
  transferId: Type.Union([Type.String(), Type.Null()]),
  replayed: Type.Boolean(),
});

export const FundRequest = Type.Object(
  { transferId: ClientId, amountMinor: AmountMinorInput, currency: CurrencyCode },
  { additionalProperties: false },
);

export const TransferView = Type.Object({
  id: Type.String({
    description: 'The ledger id: your transferId, prefixed by its scope ("fund:", "<partyId>:").',
  }),
  kind: Type.String(),
  debitAccountId: Type.String(),
  creditAccountId: Type.String(),
  amountMinor: AmountMinor,
  currency: Type.String(),
  pendingId: Type.Union([Type.String(), Type.Null()]),
  pendingStatus: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  seq: Type.String(),
  createdAt: Timestamp,
});

export const AccountView = Type.Object({
  accountId: Type.String(),
  currency: Type.String(),
  kind: Type.String(),
  ownerId: Type.Union([Type.String(), Type.Null()]),
  postedMinor: SignedAmountMinor,
  pendingMinor: SignedAmountMinor,
  availableMinor: SignedAmountMinor,
  debitsPostedMinor: AmountMinor,
  creditsPostedMinor: AmountMinor,
  debitsPendingMinor: AmountMinor,
  creditsPendingMinor: AmountMinor,
  createdAt: Timestamp,
});

export const TransfersQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: TRANSFER_PAGE_LIMIT_MAX,
        description: `page size, 1-${TRANSFER_PAGE_LIMIT_MAX} (default ${TRANSFER_PAGE_LIMIT_DEFAULT})`,
      }),
    ),
    before: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{0,18}$', description: 'a sequence number from nextBefore' }),
    ),
  },
  { additionalProperties: false },
);
export const TransferPageView = Type.Object({
  transfers: Type.Array(TransferView),
  nextBefore: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as `before` for older transfers',
  }),
});

export const SignedTransferRequest = Type.Object(
  {
    jws: Type.String({
      minLength: 1,
      maxLength: JWS_BYTES_MAX,
      description:
        'a compact JWS (mty "tally.transfer", iss your party id, aud this operator) over the transfer body',
    }),
  },
  { additionalProperties: false },
);

/** The signed message's `body` claim, read only after the signature verified. */
export const SignedTransferClaimsBody = Type.Object(
  {
    transferId: Type.String({ pattern: CLIENT_ID_PATTERN }),
    fromAccountId: Type.String({ pattern: LEDGER_ID_PATTERN.source }),
    toAccountId: Type.String({ pattern: LEDGER_ID_PATTERN.source }),
    amountMinor: AmountMinorInput,
    currency: Type.String({ maxLength: 3 }),
  },
  { additionalProperties: false },
);
export type SignedTransferClaimsBody = Static<typeof SignedTransferClaimsBody>;
