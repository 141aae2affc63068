import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Party } from '../parties/model.ts';
import type { RequestError } from '../requests/errors.ts';
import type { PurchaseRequest } from '../requests/model.ts';
import type { RequestsService } from '../requests/service.ts';
import { PASSKEY_CHALLENGE_TTL_MS, PASSKEYS_PER_CUSTOMER_MAX, type RelyingParty } from './model.ts';

export interface PasskeysDeps {
  readonly db: Kysely<Schema>;
  readonly requests: RequestsService;
  readonly operatorId: string;
  readonly clock: () => Date;
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

export interface PasskeysService {
  registrationOptions(customer: Party, rp: RelyingParty): Promise<object | RequestError>;
  register(
    customer: Party,
    rp: RelyingParty,
    response: RegistrationResponseJSON,
  ): Promise<{ credentialId: string } | RequestError>;
  affirmationOptions(
    customer: Party,
    rp: RelyingParty,
    requestId: string,
    decision: 'affirm' | 'decline',
  ): Promise<object | RequestError>;
  answer(
    customer: Party,
    rp: RelyingParty,
    requestId: string,
    response: AuthenticationResponseJSON,
  ): Promise<PurchaseRequest | RequestError>;
}

/**
 * Passkeys (WebAuthn) for the customer's answer in a browser (DESIGN §9). The
 * affirmation challenge is a hash of what she agrees to (request id, items
 * hash, amounts, decision) and a server nonce, stored bound to that request
 * and used up in the answer's own transaction, so an assertion answers one
 * request once. Attestation `none`: the operator trusts its own logged-in customer.
 */
export function createPasskeysService(deps: PasskeysDeps): PasskeysService {
  const { db } = deps;
  const credentialsOf = (customerId: string) =>
    db.selectFrom('passkey_credentials').selectAll().where('customer_id', '=', customerId).execute();
  const storeChallenge = (
    values: Parameters<ReturnType<typeof db.insertInto<'passkey_challenges'>>['values']>[0],
  ) => db.insertInto('passkey_challenges').values(values).execute();

  return {
    async registrationOptions(customer, rp) {
      if (customer.kind !== 'customer') return 'not_a_customer';
      const existing = await credentialsOf(customer.id);
      if (existing.length >= PASSKEYS_PER_CUSTOMER_MAX) return 'passkey_registration_failed';
      const options = await generateRegistrationOptions({
        rpName: `Tallystick ${deps.operatorId}`,
        rpID: rp.rpId,
        userName: customer.id,
        userDisplayName: customer.displayName,
        userID: new TextEncoder().encode(customer.id),
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({ id: c.id })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        supportedAlgorithmIDs: [-7],
      });
      await storeChallenge({
        challenge: options.challenge,
        customer_id: customer.id,
        purpose: 'register',
        request_id: null,
        decision: null,
        expires_at: new Date(deps.clock().getTime() + PASSKEY_CHALLENGE_TTL_MS),
      });
      return options;
    },

    async register(customer, rp, response) {
      if (customer.kind !== 'customer') return 'not_a_customer';
      const challenge = await takeChallenge(
        deps,
        customer.id,
        clientChallenge(response.response.clientDataJSON),
        'register',
      );
      if (!challenge) return 'passkey_challenge_invalid';
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpId,
          requireUserVerification: true,
          supportedAlgorithmIDs: [-7],
        });
      } catch {
        return 'passkey_registration_failed';
      }
      if (!verified.verified) return 'passkey_registration_failed';
      const credential = verified.registrationInfo.credential;
      const inserted = await db
        .insertInto('passkey_credentials')
        .values({
          id: credential.id,
          customer_id: customer.id,
          public_key: b64u(credential.publicKey),
          sign_count: BigInt(credential.counter),
          transports: JSON.stringify(credential.transports ?? []),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted ? { credentialId: credential.id } : 'passkey_registration_failed';
    },

    async affirmationOptions(customer, rp, requestId, decision) {
      if (customer.kind !== 'customer') return 'not_a_customer';
      const request = await deps.requests.get(customer, requestId);
      if (typeof request === 'string') return request;
      if (request.customerId !== customer.id) return 'request_not_found';
      if (request.status === 'expired') return 'request_expired';
      if (request.status !== 'pending') return 'request_already_answered';
      const credentials = await credentialsOf(customer.id);
      if (credentials.length === 0) return 'passkey_unknown';
      const challenge = createHash('sha256')
        .update(
          JSON.stringify([
            request.id,
            request.itemsHash,
            request.amountMinor.toString(),
            request.currency,
            request.cross?.chargeMinor.toString() ?? null,
            request.cross?.chargeCurrency ?? null,
            decision,
            randomBytes(16).toString('hex'),
          ]),
        )
        .digest();
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        challenge,
        allowCredentials: credentials.map((c) => ({ id: c.id })),
        userVerification: 'required',
      });
      await storeChallenge({
        challenge: options.challenge,
        customer_id: customer.id,
        purpose: 'affirm',
        request_id: request.id,
        decision,
        expires_at: new Date(deps.clock().getTime() + PASSKEY_CHALLENGE_TTL_MS),
      });
      return options;
    },

    async answer(customer, rp, requestId, response) {
      if (customer.kind !== 'customer') return 'not_a_customer';
      const challengeText = clientChallenge(response.response.clientDataJSON);
      const challenge = await findChallenge(deps, customer.id, challengeText, 'affirm');
      if (!challenge || challenge.request_id !== requestId || !challenge.decision)
        return 'passkey_challenge_invalid';
      const credential = await db
        .selectFrom('passkey_credentials')
        .selectAll()
        .where('id', '=', response.id)
        .where('customer_id', '=', customer.id)
        .executeTakeFirst();
      if (!credential) return 'passkey_unknown';
      let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpId,
          requireUserVerification: true,
          credential: {
            id: credential.id,
            publicKey: Buffer.from(credential.public_key, 'base64url'),
            counter: Number(credential.sign_count),
          },
        });
      } catch {
        return 'passkey_verification_failed';
      }
      if (!verified.verified) return 'passkey_verification_failed';
      const newCounter = BigInt(verified.authenticationInfo.newCounter);
      return deps.requests.answerWith(customer, requestId, {
        decision: challenge.decision,
        method: 'webauthn',
        evidence: JSON.stringify(response),
        // In the answer's transaction: the challenge is used once, the counter only moves forward.
        consume: async (trx) => {
          const used = await trx
            .updateTable('passkey_challenges')
            .set({ used_at: deps.clock() })
            .where('challenge', '=', challenge.challenge)
            .where('used_at', 'is', null)
            .where('expires_at', '>', deps.clock())
            .executeTakeFirst();
          if (Number(used.numUpdatedRows) !== 1) return 'passkey_challenge_invalid';
          const counted = await trx
            .updateTable('passkey_credentials')
            .set({ sign_count: newCounter, last_used_at: deps.clock() })
            .where('id', '=', credential.id)
            .where((eb) => eb.or([eb('sign_count', '<', newCounter), eb('sign_count', '=', 0n)]))
            .executeTakeFirst();
          // A counter that did not move forward (and is in use) means a cloned authenticator.
          return Number(counted.numUpdatedRows) === 1 ? undefined : 'passkey_verification_failed';
        },
      });
    },
  };
}

/** The challenge the browser signed, read from clientDataJSON (only to find our record; the library checks it again). */
function clientChallenge(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof parsed.challenge === 'string' ? parsed.challenge.slice(0, 200) : '';
  } catch {
    return '';
  }
}

async function findChallenge(
  deps: PasskeysDeps,
  customerId: string,
  challenge: string,
  purpose: 'register' | 'affirm',
) {
  if (challenge === '') return undefined;
  return deps.db
    .selectFrom('passkey_challenges')
    .selectAll()
    .where('challenge', '=', challenge)
    .where('customer_id', '=', customerId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', deps.clock())
    .executeTakeFirst();
}

/** A registration challenge is used up before the response is checked: a failed try needs a new ceremony. */
async function takeChallenge(deps: PasskeysDeps, customerId: string, challenge: string, purpose: 'register') {
  const found = await findChallenge(deps, customerId, challenge, purpose);
  if (!found) return undefined;
  const used = await deps.db
    .updateTable('passkey_challenges')
    .set({ used_at: deps.clock() })
    .where('challenge', '=', found.challenge)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? found : undefined;
}
