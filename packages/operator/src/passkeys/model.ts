import { Type } from 'typebox';

/** A ceremony's challenge is good for this long, once. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;
/** Passkeys one customer may register. */
export const PASSKEYS_PER_CUSTOMER_MAX = 10;

const B64u = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9_-]+$' });

/** `PublicKeyCredential.toJSON()` of a registration, as the browser sends it. */
export const RegistrationResponseBody = Type.Object(
  {
    response: Type.Object({
      id: B64u(1_024),
      rawId: B64u(1_024),
      type: Type.Literal('public-key'),
      response: Type.Object({
        clientDataJSON: B64u(8_192),
        attestationObject: B64u(16_384),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
      }),
      clientExtensionResults: Type.Optional(Type.Object({})),
      authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    }),
  },
  { additionalProperties: false },
);

/** `PublicKeyCredential.toJSON()` of an assertion. */
export const AuthenticationResponseBody = Type.Object(
  {
    response: Type.Object({
      id: B64u(1_024),
      rawId: B64u(1_024),
      type: Type.Literal('public-key'),
      response: Type.Object({
        clientDataJSON: B64u(8_192),
        authenticatorData: B64u(8_192),
        signature: B64u(1_024),
        userHandle: Type.Optional(Type.Union([Type.String({ maxLength: 1_024 }), Type.Null()])),
      }),
      clientExtensionResults: Type.Optional(Type.Object({})),
      authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    }),
  },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('affirm'), Type.Literal('decline')]) },
  { additionalProperties: false },
);

/** Where the ceremony runs: the relying party id (host name) and the page's origin. */
export interface RelyingParty {
  readonly rpId: string;
  readonly origin: string;
}
